#!/bin/bash
# Converted from wealth_fee_accrual_daily.bteq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*
  Wealth Management - daily advisory fee accrual
  Source : ${WM_STG}.HOLDING_VALUATION, ${WM_REF}.FEE_SCHEDULE
  Target : ${WM_DB}.FEE_ACCRUAL_DAILY
  Written by the WM platform team; dot-command style is theirs, keep it.
*/
\rset width 250
-- rsqlmig: BQ042 .Set ErrorOut Stdout dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .Set ErrorOut Stdout
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .logon ${TDPID}/${TDUSER},********;

-- rsqlmig: BQ042 .Set Quiet On dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .Set Quiet On

    \if :ERROR <> 0
      \exit 8
    \endif

DELETE FROM ${WM_DB}.FEE_ACCRUAL_DAILY WHERE ACCRUAL_DT = CURRENT_DATE - 1;
\if :ERROR <> 0
  \exit 8
\endif

INSERT INTO ${WM_DB}.FEE_ACCRUAL_DAILY
      (ACCRUAL_DT, PORTFOLIO_ID, FEE_SCHED_CD, AUM_AMT, ANNUAL_RATE, ACCRUED_FEE_AMT)
SELECT v.VALN_DT
     , v.PORTFOLIO_ID
     , f.FEE_SCHED_CD
     , SUM(v.MKT_VAL_AMT)
     , f.ANNUAL_RATE
     , SUM(v.MKT_VAL_AMT) * f.ANNUAL_RATE / 365
FROM   ${WM_STG}.HOLDING_VALUATION v
JOIN   ${WM_REF}.FEE_SCHEDULE f
  ON   f.PORTFOLIO_ID = v.PORTFOLIO_ID
 AND   v.VALN_DT BETWEEN f.EFF_FROM_DT AND f.EFF_TO_DT
WHERE  v.VALN_DT = CURRENT_DATE - 1
GROUP BY 1,2,3,5;
\if :ERROR <> 0
  \exit 8
\endif

  SELECT COUNT(*) FROM ${WM_DB}.FEE_ACCRUAL_DAILY WHERE ACCRUAL_DT = CURRENT_DATE - 1;
  \if :ACTIVITYCOUNT = 0
    \goto NoRows
  \endif

\label Stats
ANALYZE ${WM_DB}.FEE_ACCRUAL_DAILY (ACCRUAL_DT);
	\if :ERROR <> 0
	  \exit 8
	\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .Logoff
\exit 0

\label NoRows
\remark 'No fee accruals produced for yesterday'
-- rsqlmig: BQ011 .QUIT ERRORLEVEL: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .quit errorlevel;
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF
rsqlexitcode=$?
exit $rsqlexitcode
