#!/bin/sh
source $1/get_redshift_creds.sh $2
###############################################################################
# Script   : retail_daily_sales.sh
# Purpose  : Load yesterday's POS sales from staging into SALES_DAILY
# Usage    : retail_daily_sales.sh <parm_file_name>
# Params   : $CODE/scripts/<parm>.parm defines ETL_STG_DB, ETL_TGT_DB,
#            ETL_VIEWS_DB, LOGON, LOGON_ID, LOG_DIR
###############################################################################
PARM_FILE=$1
. $CODE/scripts/$PARM_FILE.parm

LOG=$LOG_DIR/retail_daily_sales_`date +%Y%m%d_%H%M%S`.log
exec 1> $LOG 2>&1

echo "Starting $0 at `date`"

rsql -h $HOST -U $USER -d $DB <<EOF
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .run file $LOGON/${LOGON_ID};
\rset width 254
-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .SET ERROROUT STDOUT

-- rsqlmig: TD012 query band set as query_group: the key=value pairs become one label; check WLM rules that read it
SET query_group TO 'ApplicationName=$0;Job=RTL_DAILY_SALES;RunDt=$(date +%Y%m%d);';

SET search_path TO $ETL_VIEWS_DB;

DELETE FROM ${ETL_TGT_DB}.SALES_DAILY WHERE SALES_DT = CURRENT_DATE - 1;
\if :ERROR <> 0
  \goto ERRORS
\endif

INSERT INTO ${ETL_TGT_DB}.SALES_DAILY
      (SALES_DT, STORE_NBR, ITEM_NBR, UNITS_SOLD, GROSS_AMT, DISC_AMT, NET_AMT, LOAD_TS)
SELECT s.TXN_DT
     , s.STORE_NBR
     , s.ITEM_NBR
     , SUM(s.QTY)
     , SUM(s.QTY * s.UNIT_PRICE_AMT)
     , SUM(s.DISC_AMT)
     , SUM(s.QTY * s.UNIT_PRICE_AMT - s.DISC_AMT)
     , GETDATE()
FROM   ${ETL_STG_DB}.POS_SALES_STG s
WHERE  s.TXN_DT = CURRENT_DATE - 1
AND    s.TXN_TYPE_CD IN ('S', 'R')
GROUP BY 1,2,3;
\if :ERROR <> 0
  \goto ERRORS
\endif

ANALYZE ${ETL_TGT_DB}.SALES_DAILY (SALES_DT);

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

RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
   echo "BTEQ failed with return code $RETURN_CD"
   exit $RETURN_CD
fi

echo "Finished $0 at `date`"
exit 0
