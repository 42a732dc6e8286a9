#!/bin/bash
# Converted from ops_extract_housekeeping.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*-----------------------------------------------------------------------------
  OPS_EXTRACT_HOUSEKEEPING
  Clears yesterday's extract files, waits for the upstream lock to clear,
  then rebuilds the extract control table in ${TGT_DB}.
-----------------------------------------------------------------------------*/
-- rsqlmig: BQ042 .SET SESSION CHARSET 'UTF8' dropped: Redshift sessions are UTF-8
-- .SET SESSION CHARSET 'UTF8'
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON edwprod/ops_batch,********;
-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .SET ERROROUT STDOUT

\remark 'Step 1 - remove old extract files'
\os rm /data/extract/outbound/ops_extract_ctl.txt
\os rm ${DIR}/ops_extract_detail.csv

SET search_path TO ${TGT_DB};

SELECT 1 FROM ${TGT_DB}.ETL_LOCK WHERE LOCK_NM = 'OPS_EXTRACT' AND LOCK_STATUS = 'HELD';
\if :ACTIVITYCOUNT = 0
  \goto NO_WAIT
\endif
\remark 'Upstream still holds the lock, waiting 30 seconds'
\os sleep 30
\label NO_WAIT

\remark 'Step 1 done//next: rebuild control table'

SET search_path TO ${TGT_DB};

DELETE FROM EXTRACT_CTL;
\if :ERROR <> 0
  \goto ERRORS
\endif

INSERT INTO EXTRACT_CTL (EXTRACT_NM, TGT_PATH, LAST_EXTRACT_TS, ROW_CNT)
SELECT EXTRACT_NM, TGT_PATH, MAX(EXTRACT_TS), SUM(ROW_CNT)
FROM   EXTRACT_HIST
WHERE  EXTRACT_TS >= CURRENT_DATE - 7
GROUP BY 1,2;
\if :ERROR <> 0
  \goto ERRORS
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label ERRORS
\os echo "OPS_EXTRACT_HOUSEKEEPING failed - see BTEQ log" >> /var/log/etl/ops_alerts.log
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
