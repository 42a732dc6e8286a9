#!/bin/bash
# Converted from utf8bom_account_summary.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
-- ====================================================================
-- ACCOUNT_SUMMARY_MONTHLY  (UTF-8 with BOM, edited in Notepad)
-- Monthly balance summary per product; amounts in € (EUR) and £ (GBP)
-- ====================================================================
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;
\rset width 300
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF

DELETE FROM ${ACC_DB}.ACCT_SUMM_MTH
WHERE  MTH_END_DT = CURRENT_DATE - EXTRACT(DAY FROM CURRENT_DATE);
\if :ERROR <> 0
  \exit 8
\endif

INSERT INTO ${ACC_DB}.ACCT_SUMM_MTH
      (MTH_END_DT, PRODUCT_CD, CCY_CD, ACCT_CNT, TOT_BAL_AMT, AVG_BAL_AMT, CCY_SYMBOL)
SELECT b.BAL_DT
     , a.PRODUCT_CD
     , a.CCY_CD
     , COUNT(DISTINCT a.ACCT_ID)
     , SUM(b.LEDGER_BAL_AMT)
     , AVG(b.LEDGER_BAL_AMT)
     , CASE a.CCY_CD WHEN 'EUR' THEN '€' WHEN 'GBP' THEN '£' ELSE a.CCY_CD END
FROM   ${ACC_DB}.ACCOUNT a
JOIN   ${ACC_DB}.ACCT_BAL_DAILY b ON b.ACCT_ID = a.ACCT_ID
WHERE  b.BAL_DT = CURRENT_DATE - EXTRACT(DAY FROM CURRENT_DATE)
GROUP BY 1,2,3,7;
\if :ERROR <> 0
  \exit 8
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
rsqlexitcode=$?
exit $rsqlexitcode
