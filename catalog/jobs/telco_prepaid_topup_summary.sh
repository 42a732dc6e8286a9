#!/bin/bash
# Converted from telco_prepaid_topup_summary.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
------------------------------------------------------------------------
-- PREPAID_TOPUP_SUMMARY
--   Daily top-up (recharge) summary per channel and denomination.
--   LDAP logon: credentials come through .LOGDATA, not the .LOGON line.
--   rc 101 = logon failure (scheduler pages the DBA on-call)
------------------------------------------------------------------------
-- rsqlmig: BQ001 .LOGMECH removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGMECH LDAP;
-- rsqlmig: BQ001 .LOGDATA removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGDATA ********
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON tdprod01/
\if :ERROR <> 0
  \exit 101
\endif

\rset width 200
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF

-- ---- rebuild today's summary ----
DELETE FROM ${PP_DB}.TOPUP_DAILY_SUMM WHERE TOPUP_DT = CURRENT_DATE - 1;
\if :ERROR <> 0
  \goto ERRORS
\endif

INSERT INTO ${PP_DB}.TOPUP_DAILY_SUMM
      (TOPUP_DT, CHANNEL_CD, DENOM_AMT, TOPUP_CNT, TOPUP_AMT, DISTINCT_SUBS)
SELECT    t.TOPUP_DT
     , t.CHANNEL_CD
     , t.DENOM_AMT
     , COUNT(*)
     , SUM(t.TOPUP_AMT)
     , COUNT(DISTINCT t.MSISDN)
FROM   ${PP_DB}.TOPUP_TXN t
WHERE  t.TOPUP_DT = CURRENT_DATE - 1
AND    t.TXN_STATUS_CD = 'OK'
GROUP BY 1,2,3;
\if :ERROR <> 0
  \goto ERRORS
\endif

ANALYZE ${PP_DB}.TOPUP_DAILY_SUMM (TOPUP_DT);

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label ERRORS
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF
rsqlexitcode=$?
exit $rsqlexitcode
