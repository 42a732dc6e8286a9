#!/bin/bash
source $1/get_redshift_creds.sh $2
#==============================================================================
# loyalty_points_refresh.sh
#   1) expire points older than 24 months   (quoted heredoc: no expansion,
#      the BTEQ text contains a literal $ in a Teradata column name)
#   2) recompute balances                      (double-quoted delimiter)
#   3) refresh tier table                      (appends to the run log)
# Logon comes from /etc/edw/loyalty.logon (a .LOGON line, no secrets here)
#==============================================================================
LOG=/var/log/etl/loyalty_points_refresh.log

rsql -h $HOST -U $USER -d $DB <<'EOF'
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=/etc/edw/loyalty.logon
\rset width 200
-- rsqlmig: TD058 ADD_MONTHS returns a TIMESTAMP in Redshift and maps a month end to a month end (Teradata keeps the day): use CAST(ADD_MONTHS(...) AS DATE) where a date is needed and check month-end dates
UPDATE LYL_DB.POINTS_LEDGER
SET    PTS_STATUS_CD = 'EXPIRED'
     , EXPIRED$TS    = GETDATE()
WHERE  EARN_DT < ADD_MONTHS(CURRENT_DATE, -24)
AND    PTS_STATUS_CD = 'ACTIVE';
\if :ERROR <> 0
  \exit 8
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
[ $? -ne 0 ] && exit 8

rsql -h $HOST -U $USER -d $DB <<"EOF"
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=/etc/edw/loyalty.logon
DELETE FROM LYL_DB.POINTS_BALANCE;
INSERT INTO LYL_DB.POINTS_BALANCE (MEMBER_ID, ACTIVE_PTS, PENDING_PTS, AS_OF_DT)
SELECT MEMBER_ID
     , SUM(CASE WHEN PTS_STATUS_CD = 'ACTIVE'  THEN PTS ELSE 0 END)
     , SUM(CASE WHEN PTS_STATUS_CD = 'PENDING' THEN PTS ELSE 0 END)
     , CURRENT_DATE
FROM   LYL_DB.POINTS_LEDGER
GROUP BY 1;
\if :ERROR <> 0
  \exit 8
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
[ $? -ne 0 ] && exit 8

rsql -h $HOST -U $USER -d $DB <<EOF &>> $LOG
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=/etc/edw/loyalty.logon
DELETE FROM ${LYL_DB}.MEMBER_TIER WHERE AS_OF_DT = CURRENT_DATE;
INSERT INTO ${LYL_DB}.MEMBER_TIER (MEMBER_ID, TIER_CD, AS_OF_DT)
SELECT MEMBER_ID
     , CASE WHEN ACTIVE_PTS >= 50000 THEN 'PLATINUM'
            WHEN ACTIVE_PTS >= 20000 THEN 'GOLD'
            WHEN ACTIVE_PTS >=  5000 THEN 'SILVER'
            ELSE 'MEMBER' END
     , CURRENT_DATE
FROM   ${LYL_DB}.POINTS_BALANCE;
\if :ERROR <> 0
  \exit 8
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
exit $?
