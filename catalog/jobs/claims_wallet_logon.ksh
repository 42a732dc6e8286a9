#!/bin/ksh
source $1/get_redshift_creds.sh $2
#------------------------------------------------------------------------------
# claims_wallet_logon.ksh
#   Provider payment summary. Logon through Teradata Wallet; this family
#   writes LOGON / LOGOFF / QUIT without the leading dot.
#------------------------------------------------------------------------------
. ${ETL_HOME}/parm/claims_pay.parm
LOGONDB="${TD_SERVER}/${TD_USER},\$tdwallet(${TD_USER})"

rsql -h $HOST -U $USER -d $DB << EOF > ${LOG_DIR}/claims_wallet_logon_$(date +%Y%m%d).log 2>&1
-- rsqlmig: BQ001 LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- LOGON ${LOGONDB};

SET search_path TO ${CLM_DB};

DELETE FROM ${CLM_DB}.PROVIDER_PAY_SUMM WHERE PAY_MTH = '${PAY_MTH}';
\if :ERROR <> 0
  \goto FAILED
\endif

INSERT INTO ${CLM_DB}.PROVIDER_PAY_SUMM (PROVIDER_ID, PAY_MTH, CLAIM_CNT, PAID_AMT)
SELECT PROVIDER_ID, '${PAY_MTH}', COUNT(*), SUM(PAID_AMT)
FROM   ${CLM_DB}.CLAIM_PAYMENT
WHERE  CAST(TO_CHAR(PAY_DT, 'YYYYMM') AS CHAR(6)) = '${PAY_MTH}'
GROUP BY 1,2;
\if :ERROR <> 0
  \goto FAILED
\endif

-- rsqlmig: BQ003 LOGOFF dropped: RSQL closes the session when the script ends
-- LOGOFF;
\exit 0

\label FAILED
\exit 8
EOF
RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
  echo "claims_wallet_logon failed rc=$RETURN_CD"
  exit $RETURN_CD
fi
