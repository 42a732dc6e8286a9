#!/bin/bash
source $1/get_redshift_creds.sh $2
#==============================================================================
# dbql_monitor_lib.sh - DBA monitoring helpers, one BTEQ session per function
#   check_blocked_sessions  - alert when more than one session is blocked
#   check_spool_hogs        - list users above 80% of their spool
#   check_skewed_tables     - tables with skew factor > 50 in $APP_DB
#   archive_dbql            - copy yesterday's DBQL rows to ${HIST_DB}
# Logon file: $LOGON_DIR/dba_monitor.logon
#==============================================================================
LOGON_FILE=${LOGON_DIR}/dba_monitor.logon
MON_LOG=${LOG_DIR}/dbql_monitor_$(date +%Y%m%d).log

check_blocked_sessions() {
rsql -h $HOST -U $USER -d $DB <<!EOF! >> $MON_LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=$LOGON_FILE
\rset width 250
SELECT SessionNo, UserName, BlkUserName, BlkLockObjectName
FROM   TABLE (MonitorSession(-1,'*',0)) AS ms
WHERE  BlkSessNo IS NOT NULL;
\if :ACTIVITYCOUNT > 1
  \goto LabelEnd
\endif
\exit 0
\label LabelEnd
\exit 4
!EOF!
return $?
}

check_spool_hogs() {
rsql -h $HOST -U $USER -d $DB <<EOFBTEQ >> $MON_LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=$LOGON_FILE
\rset width 250
SELECT DatabaseName, SUM(CurrentSpool) AS CUR_SPOOL, MAX(PeakSpool) AS PEAK_SPOOL
FROM   DBC.DiskSpaceV
GROUP BY 1
HAVING SUM(CurrentSpool) > 0.8 * SUM(MaxSpool);
\if :ACTIVITYCOUNT > 1
  \goto LabelEnd
\endif
\exit 0
\label LabelEnd
\exit 4
EOFBTEQ
return $?
}

check_skewed_tables() {
rsql -h $HOST -U $USER -d $DB <<EOBTQ >> $MON_LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=$LOGON_FILE
\rset width 250
SELECT DatabaseName, TableName
     , 100 * (1 - AVG(CurrentPerm) / NULLIF(MAX(CurrentPerm), 0)) AS SKEW_PCT
FROM   DBC.TableSizeV
WHERE  DatabaseName = '$APP_DB'
GROUP BY 1,2
HAVING SKEW_PCT > 50;
\if :ACTIVITYCOUNT > 1
  \goto LabelEnd
\endif
\exit 0
\label LabelEnd
\exit 4
EOBTQ
return $?
}

archive_dbql() {
rsql -h $HOST -U $USER -d $DB <<EOF >> $MON_LOG 2>&1
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=$LOGON_FILE
INSERT INTO ${HIST_DB}.DBQL_LOG_HIST
SELECT * FROM DBC.DBQLogTbl
WHERE  CAST(StartTime AS DATE) = CURRENT_DATE - 1;
\if :ERROR <> 0
  \goto LabelEnd
\endif
\exit 0
\label LabelEnd
\exit 8
EOF
return $?
}

check_blocked_sessions; rc1=$?
check_spool_hogs;       rc2=$?
check_skewed_tables;    rc3=$?
archive_dbql || exit $?
exit $(( rc1 > rc2 ? rc1 : rc2 ))
