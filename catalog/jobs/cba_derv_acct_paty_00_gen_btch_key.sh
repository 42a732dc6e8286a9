#!/bin/bash
# Converted from cba_derv_acct_paty_00_gen_btch_key.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
** Script      : DERV_ACCT_PATY_00_GEN_BTCH_KEY.btq
** Description : Find (or open) the batch key for the DERV_ACCT_PATY stream
**               and hand it to later steps through /sched/BTCH_KEY.txt
** Return codes: 0 ok, 2 datawatcher repoll, 12 could not open batch
*****************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=%%BTEQ_LOGON_SCRIPT%%

-- rsqlmig: BQ042 .SET QUIET ON dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET QUIET ON
\rset width 200

/* safety reset - nothing left over from the logon script may still export */
\export reset

SELECT   BTCH_KEY_I
FROM  %%VTECH%%.UTIL_PROS_ISAC
WHERE PROS_KEY_I  = 'DERV_ACCT_PATY'
  AND BTCH_STUS_C = 'RUNNING';

\if :ACTIVITYCOUNT > 0
  \goto GEN_KEY_LBL
\endif

/* no batch running yet -> open a new one through the framework proc */
CALL %%STARDATADB%%.SP_OPEN_BTCH('DERV_ACCT_PATY', 'DDS', RTRN_CD, MSG);
\if :ERROR <> 0
  \exit 12
\endif

\label GEN_KEY_LBL

-- rsqlmig: BQ043 .SET RECORDMODE OFF has no RSQL counterpart: binary record output: write the data with UNLOAD to S3
-- .SET RECORDMODE OFF
-- rsqlmig: BQ051 .EXPORT DATA has no RSQL counterpart: write the rows with UNLOAD ('select ...') TO 's3://...' IAM_ROLE ...
-- .EXPORT DATA FILE=/sched/BTCH_KEY.txt

-- rsqlmig: TD059 FORMAT kept: it is not a date/time format with an exact Redshift counterpart (a numeric or character mask, or an unknown element); rewrite it with TO_CHAR and a Redshift format
SELECT  CAST('BTCH_KEY_I' AS CHAR(24))
     || CAST(CAST(MAX(BTCH_KEY_I) AS FORMAT '9(10)') AS CHAR(10))
FROM    %%VTECH%%.UTIL_PROS_ISAC
WHERE   PROS_KEY_I = 'DERV_ACCT_PATY';

\if :ACTIVITYCOUNT <> 1
  \exit 2
\endif

-- rsqlmig: BQ051 .EXPORT RESET ends the DATA export above
-- .EXPORT RESET
\if :ERROR <> 0
  \exit 8
\endif

\exit 0
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
EOF
rsqlexitcode=$?
exit $rsqlexitcode
