#!/bin/bash
# Converted from verizon_usage_daily_rollup.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
-- ---------------------------------------------------------------------
-- usage_daily_rollup.btq
--   Hourly wireless usage -> daily usage per subscriber / rate plan
--   Target : ${USG_DB}.USAGE_DAILY
--   The session logon is supplied by the wrapper (run_bteq.sh), the
--   old inline logon is kept below for reference only.
-- ---------------------------------------------------------------------
/*
.LOGON vzdwprod/usg_batch,********;
.SET WIDTH 200
.IF ERRORCODE <> 0 THEN .QUIT 12
*/

DELETE FROM ${USG_DB}.USAGE_DAILY WHERE USAGE_DT = CURRENT_DATE - 1;
-- .if errorcode<>0 then .quit errorcode

INSERT INTO ${USG_DB}.USAGE_DAILY
      (SUBSCR_ID, RATE_PLAN_CD, USAGE_DT, VOICE_MIN, SMS_CNT, DATA_MB, LOAD_TS)
SELECT u.SUBSCR_ID
     , u.RATE_PLAN_CD
     , CAST(u.USAGE_HR_TS AS DATE)
     , SUM(u.VOICE_SEC) / 60.0
     , SUM(u.SMS_CNT)
     , SUM(u.DATA_KB) / 1024.0
     , GETDATE()
FROM   ${USG_DB}.USAGE_HOURLY u
WHERE  CAST(u.USAGE_HR_TS AS DATE) = CURRENT_DATE - 1
GROUP BY 1,2,3;
\if :ERROR <> 0
  -- rsqlmig: BQ032 .GOTO ROLLUP_FAIL has no .LABEL ROLLUP_FAIL after it (BTEQ would skip the rest of the script)
  -- .GOTO ROLLUP_FAIL
\endif

UPDATE ${USG_DB}.SUBSCR_USAGE_SUMMARY
SET    LAST_USAGE_DT = CURRENT_DATE - 1
WHERE  SUBSCR_ID IN (SELECT SUBSCR_ID FROM ${USG_DB}.USAGE_DAILY
                     WHERE USAGE_DT = CURRENT_DATE - 1);
\if :ERROR <> 0
  -- rsqlmig: BQ032 .GOTO ROLLUP_FAIL has no .LABEL ROLLUP_FAIL after it (BTEQ would skip the rest of the script)
  -- .GOTO ROLLUP_FAIL
\endif

\exit 0

/* failure exit, label disabled during the 2018 rewrite
.LABEL ROLLUP_FAIL
*/
-- .LABEL ROLLUP_FAIL
\exit 1
EOF
rsqlexitcode=$?
exit $rsqlexitcode
