#!/bin/sh
source $1/get_redshift_creds.sh $2
#------------------------------------------------------------------------------
# hr_payroll_feed.sh - fortnightly payroll feed into the HR mart
#   Step 1: stage payslip lines          Step 2: load PAYROLL_FACT
#   Old step 0 (manual truncate) disabled, left below with ###
#------------------------------------------------------------------------------
. /opt/etl/hr/config/hr_payroll.parm
LOG=${HR_LOG_DIR}/hr_payroll_feed_`date +%Y%m%d`.log

###bteq << EOF > $LOG 2>&1
###.RUN FILE=${HR_LOGON}
###DELETE FROM ${HR_STG}.PAYSLIP_LINE_STG ALL;
###.QUIT 0
###EOF

rsql -h $HOST -U $USER -d $DB << EOF > $LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${HR_LOGON}
\rset width 300
DELETE FROM ${HR_STG}.PAYSLIP_LINE_STG WHERE PAY_PERIOD_ID = '${PAY_PERIOD}';
\if :ERROR <> 0
  \goto ERROR_END
\endif
INSERT INTO ${HR_STG}.PAYSLIP_LINE_STG
SELECT EMP_ID, PAY_PERIOD_ID, PAY_CODE, HOURS_QTY, AMT, COST_CENTRE_CD
FROM   ${HR_LAND}.PAYSLIP_LINE_RAW
WHERE  PAY_PERIOD_ID = '${PAY_PERIOD}';
\if :ERROR <> 0
  \goto ERROR_END
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
\label ERROR_END
\exit 12
EOF
RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then echo "stage step failed" >> $LOG; exit $RETURN_CD; fi

rsql -h $HOST -U $USER -d $DB<<EOF >> $LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${HR_LOGON}
\rset width 300
INSERT INTO ${HR_MART}.PAYROLL_FACT
      (EMP_ID, PAY_PERIOD_ID, GROSS_PAY_AMT, TAX_AMT, SUPER_AMT, NET_PAY_AMT, COST_CENTRE_CD)
SELECT EMP_ID
     , PAY_PERIOD_ID
     , SUM(CASE WHEN PAY_CODE LIKE 'E%' THEN AMT ELSE 0 END)
     , SUM(CASE WHEN PAY_CODE = 'D_TAX' THEN AMT ELSE 0 END)
     , SUM(CASE WHEN PAY_CODE = 'D_SUPER' THEN AMT ELSE 0 END)
     , SUM(CASE WHEN PAY_CODE LIKE 'E%' THEN AMT ELSE -AMT END)
     , MAX(COST_CENTRE_CD)
FROM   ${HR_STG}.PAYSLIP_LINE_STG
WHERE  PAY_PERIOD_ID = '${PAY_PERIOD}'
GROUP BY 1,2;
\if :ERROR <> 0
  \exit 12
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
  echo "load step failed rc=$RETURN_CD" >> $LOG
  exit $RETURN_CD
fi
exit 0
