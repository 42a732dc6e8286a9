#!/bin/ksh
source $1/get_redshift_creds.sh $2
#==============================================================================
# fin_gl_month_close.ksh  - month-end GL close snapshot
#   Runs on BD+1. Builds the period snapshot and the trial balance.
#==============================================================================
. ${FIN_HOME}/config/fin_gl.parm
PERIOD=$(date +%Y%m)
LOG=${FIN_LOG}/fin_gl_month_close_${PERIOD}.log

rsql -h $HOST -U $USER -d $DB <<EOF1 > $LOG 2>&1
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON ${TDPID}/${TDUSER},********;
\rset width 254
-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3807 -> 42P01): check that Redshift raises them
-- .SET ERRORLEVEL 3807 SEVERITY 0
\rset errorlevel 42P01 severity 0

-- rsqlmig: TD012 query band set as query_group: the key=value pairs become one label; check WLM rules that read it
SET query_group TO 'App=FIN_GL;Job=$0;Period=${PERIOD};';

DROP TABLE ${FIN_WRK}.GL_CLOSE_SNAP_${PERIOD};

-- rsqlmig: TD058 ADD_MONTHS returns a TIMESTAMP in Redshift and maps a month end to a month end (Teradata keeps the day): use CAST(ADD_MONTHS(...) AS DATE) where a date is needed and check month-end dates
CREATE TABLE ${FIN_WRK}.GL_CLOSE_SNAP_${PERIOD} SORTKEY(GL_ACCT_NO, COST_CNTR_CD) AS
SELECT  GL_ACCT_NO, COST_CNTR_CD, ENTITY_CD, CCY_CD
        , SUM(DR_AMT) AS DR_AMT, SUM(CR_AMT) AS CR_AMT
  FROM    ${FIN_DB}.GL_JOURNAL_LINE
  WHERE   POST_DT BETWEEN TO_DATE('${PERIOD}01', 'YYYYMMDD')
                      AND ADD_MONTHS(TO_DATE('${PERIOD}01', 'YYYYMMDD'), 1) - 1
  GROUP BY 1,2,3,4;
\if :ERROR <> 0
  \goto ERRORS
\endif

INSERT INTO ${FIN_DB}.GL_TRIAL_BALANCE (PERIOD_ID, ENTITY_CD, GL_ACCT_NO, NET_AMT, LOAD_TS)
SELECT '${PERIOD}', ENTITY_CD, GL_ACCT_NO, SUM(DR_AMT - CR_AMT), GETDATE()
FROM   ${FIN_WRK}.GL_CLOSE_SNAP_${PERIOD}
GROUP BY 1,2,3;
\if :ERROR <> 0
  \goto ERRORS
\endif

SELECT ENTITY_CD, SUM(NET_AMT) FROM ${FIN_DB}.GL_TRIAL_BALANCE
WHERE  PERIOD_ID = '${PERIOD}'
GROUP BY 1
HAVING SUM(NET_AMT) <> 0;
\if :ACTIVITYCOUNT <> 0
  \goto OUT_OF_BALANCE
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label OUT_OF_BALANCE
\remark 'Trial balance does not net to zero for one or more entities'
\exit 4

\label ERRORS
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF1

RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
    mailx -s "GL month close ${PERIOD} rc=$RETURN_CD" fin-dw-support@example.com < $LOG
    exit $RETURN_CD
fi
exit 0
