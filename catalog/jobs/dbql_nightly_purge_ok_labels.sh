#!/bin/bash
# Converted from dbql_nightly_purge_ok_labels.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*
 * dbql_nightly_purge.btq
 * Nightly DBQL summarisation: drop yesterday's work tables if they exist,
 * then roll the step/object logs into ${HIST_DB}.DBQL_DAILY_SUMMARY.
 * DBA team - do not schedule during the backup window (01:00-03:00)
 */
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;

\rset maxerror 1
\rset width 300

SELECT 1 FROM dbc.TablesV WHERE DatabaseName = '${WRK_DB}' AND TableName = 'DBQL_STEP_TMP';
\if :ACTIVITYCOUNT = 0
  \goto ok
\endif
DROP TABLE ${WRK_DB}.DBQL_STEP_TMP;
\label ok

SELECT 1 FROM dbc.TablesV WHERE DatabaseName = '${WRK_DB}' AND TableName = 'DBQL_OBJ_TMP';
\if :ACTIVITYCOUNT = 0
  \goto ok_2
\endif
DROP TABLE ${WRK_DB}.DBQL_OBJ_TMP;
\label ok_2

SELECT 1 FROM dbc.TablesV WHERE DatabaseName = '${WRK_DB}' AND TableName = 'DBQL_SQL_TMP';
\if :ACTIVITYCOUNT = 0
  \goto ok_3
\endif
DROP TABLE ${WRK_DB}.DBQL_SQL_TMP;
\label ok_3

CREATE TABLE ${WRK_DB}.DBQL_STEP_TMP DISTSTYLE EVEN AS
SELECT  CAST(StartTime AS DATE) AS LOG_DT
        , UserName
        , AppID
        , COUNT(*)             AS QRY_CNT
        , SUM(AMPCPUTime)      AS CPU_SEC
        , SUM(TotalIOCount)    AS IO_CNT
  FROM    dbc.QryLogV
  WHERE   CAST(StartTime AS DATE) = CURRENT_DATE - 1
  GROUP BY 1,2,3;
\if :ERROR <> 0
  \exit 4
\endif

INSERT INTO ${HIST_DB}.DBQL_DAILY_SUMMARY
SELECT LOG_DT, UserName, AppID, QRY_CNT, CPU_SEC, IO_CNT, GETDATE()
FROM   ${WRK_DB}.DBQL_STEP_TMP;
\if :ERROR <> 0
  \exit 4
\endif

-- rsqlmig: TD058 ADD_MONTHS returns a TIMESTAMP in Redshift and maps a month end to a month end (Teradata keeps the day): use CAST(ADD_MONTHS(...) AS DATE) where a date is needed and check month-end dates
DELETE FROM ${HIST_DB}.DBQL_DAILY_SUMMARY WHERE LOG_DT < ADD_MONTHS(CURRENT_DATE, -13);
\if :ERROR <> 0
  \exit 4
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
rsqlexitcode=$?
exit $rsqlexitcode
