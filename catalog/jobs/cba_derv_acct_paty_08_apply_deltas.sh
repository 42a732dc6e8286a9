#!/bin/bash
# Converted from cba_derv_acct_paty_08_apply_deltas.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
** Script      : DERV_ACCT_PATY_08_APPLY_DELTAS.btq
** Description : Apply ADD / CHG deltas built by step 07 to the star table.
**               Batch key is read from the file written by step 00.
** Reads       : %%DDSTG%%.DERV_ACCT_PATY_ADD, %%DDSTG%%.DERV_ACCT_PATY_CHG
** Writes      : %%STARDATADB%%.DERV_ACCT_PATY, %%STARDATADB%%.UTIL_PROS_ISAC
*****************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=%%BTEQ_LOGON_SCRIPT%%

-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF
-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .SET ERROROUT STDOUT

--*** MARK BATCH AS APPLYING ****
-- rsqlmig: BQ052 .IMPORT has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .IMPORT VARTEXT FILE=/sched/BTCH_KEY.txt
-- rsqlmig: BQ052 USING request reads .IMPORT host variables: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- USING ( FILLER CHAR(24), BTCH_KEY CHAR(10) )
-- UPDATE %%STARDATADB%%.UTIL_PROS_ISAC
-- SET    BTCH_STUS_C = 'APPLYING'
--      , UPDT_TS     = CURRENT_TIMESTAMP(0)
-- WHERE  BTCH_KEY_I  = CAST(trim(:BTCH_KEY) AS DECIMAL(10,0));
\if :ERROR <> 0
  \exit 8
\endif

--*** APPLY DELTAS ****
BEGIN;

/* insert new versions and close the old ones in ONE request */
INSERT INTO %%STARDATADB%%.DERV_ACCT_PATY
      (ACCT_I, PATY_I, REL_C, EFFT_D, EXPY_D, PROS_KEY_EFFT_I)
SELECT ACCT_I, PATY_I, REL_C, CURRENT_DATE, DATE '9999-12-31', PROS_KEY_I
FROM   %%DDSTG%%.DERV_ACCT_PATY_CHG
WHERE  CHG_TYPE_C = 'U'
;UPDATE %%STARDATADB%%.DERV_ACCT_PATY
SET    EXPY_D = CURRENT_DATE - 1
WHERE  (ACCT_I, PATY_I, REL_C) IN
       (SELECT ACCT_I, PATY_I, OLD_REL_C FROM %%DDSTG%%.DERV_ACCT_PATY_CHG WHERE CHG_TYPE_C = 'U')
AND    EXPY_D = DATE '9999-12-31'
;INSERT INTO %%STARDATADB%%.DERV_ACCT_PATY
      (ACCT_I, PATY_I, REL_C, EFFT_D, EXPY_D, PROS_KEY_EFFT_I)
SELECT ACCT_I, PATY_I, REL_C, CURRENT_DATE, DATE '9999-12-31', PROS_KEY_I
FROM   %%DDSTG%%.DERV_ACCT_PATY_ADD;
\if :ERROR <> 0
  \exit 8
\endif

COMMIT;
\if :ERROR <> 0
  \exit 8
\endif

--*** CLEAR DELTA TABLES ****
DELETE FROM %%DDSTG%%.DERV_ACCT_PATY_ADD;
\if :ERROR <> 0
  \exit 8
\endif

Delete from %%DDSTG%%.DERV_ACCT_PATY_CHG
;
\if :ERROR <> 0
  \exit 8
\endif

\exit 0
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
EOF
rsqlexitcode=$?
exit $rsqlexitcode
