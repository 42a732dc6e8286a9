#!/bin/bash
# Converted from edw_claims_step_framework.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/* ===========================================================================
   EDW CLAIMS  -  CLM_LINE_ADJ  load step  (ETL step framework)
   Framework : meta.START_STEP / meta.END_STEP / meta.FAIL_STEP
   Includes  : common_steps.btq (session settings + query band)
               display_last_SQL.run (prints failing request to the log)
   =========================================================================== */
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=common_steps.btq

CALL meta.START_STEP('CLM_LINE_ADJ', 'wf_clm_daily', RTRN_CD, MSG);
\if :ERROR <> 0
  \exit 12
\endif

/* drop the work table only if it is there (probe first) */
select 1 from w.CLM_LINE_ADJ_WRK where 1=0;
\if :'ERRORCODE' <> '42P01'
  drop table w.CLM_LINE_ADJ_WRK;
\endif

CREATE TABLE w.CLM_LINE_ADJ_WRK DISTKEY(CLM_ID) SORTKEY(CLM_ID) AS
SELECT  c.CLM_ID
        , c.CLM_LINE_NBR
        , c.ALLOWED_AMT
        , c.PAID_AMT
        , a.ADJ_RSN_CD
        , a.ADJ_AMT
  FROM    ${CLM_DB}.CLM_LINE c
  JOIN    ${CLM_STG}.CLM_ADJ_STG a
    ON    a.CLM_ID = c.CLM_ID AND a.CLM_LINE_NBR = c.CLM_LINE_NBR;
\if :ERROR <> 0
  \run file=display_last_SQL.run
\endif
\if :ERROR <> 0
  CALL meta.FAIL_STEP('CLM_LINE_ADJ','wf_clm_daily',(SELECT MAX(run_id) FROM meta.run));
\endif
\if :ERROR <> 0
  \exit 8
\endif

MERGE INTO ${CLM_DB}.CLM_LINE_ADJ
USING w.CLM_LINE_ADJ_WRK src
  ON  CLM_LINE_ADJ.CLM_ID = src.CLM_ID AND CLM_LINE_ADJ.CLM_LINE_NBR = src.CLM_LINE_NBR
WHEN MATCHED THEN UPDATE
  SET ADJ_RSN_CD = src.ADJ_RSN_CD, ADJ_AMT = src.ADJ_AMT, UPD_TS = GETDATE()
WHEN NOT MATCHED THEN INSERT
  (CLM_ID, CLM_LINE_NBR, ADJ_RSN_CD, ADJ_AMT, INS_TS, UPD_TS)
  VALUES (src.CLM_ID, src.CLM_LINE_NBR, src.ADJ_RSN_CD, src.ADJ_AMT, GETDATE(), GETDATE());
\if :ERROR = 0
  \goto SUCCESS_STEP
\endif
\run file=display_last_SQL.run
CALL meta.FAIL_STEP('CLM_LINE_ADJ','wf_clm_daily',(SELECT MAX(run_id) FROM meta.run));
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE;
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif

\label SUCCESS_STEP
CALL meta.END_STEP('CLM_LINE_ADJ', 'wf_clm_daily', RTRN_CD, MSG);
\if :ERROR <> 0
  \exit 12
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
rsqlexitcode=$?
exit $rsqlexitcode
