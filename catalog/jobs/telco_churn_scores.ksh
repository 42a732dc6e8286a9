#!/bin/ksh
source $1/get_redshift_creds.sh $2
#==============================================================================
# telco_churn_scores.ksh
#   Publishes the weekly churn-propensity scores produced by the data science
#   team into the marketing mart. Body of the heredoc is TAB-indented (<<-).
#==============================================================================
. ${MKT_HOME}/etc/mkt_env.parm
score_wk=$(date +%Y%W)
LOG=${MKT_LOG}/telco_churn_scores_${score_wk}.log

publish_scores()
{
	rsql -h $HOST -U $USER -d $DB <<-EOF > ${LOG} 2>&1
		-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
		-- .LOGON ${TDPID}/${TDUSER},********
		\rset width 200
		-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
		-- .SET ERROROUT STDOUT

		DELETE FROM ${MKT_DB}.CHURN_SCORE_WK WHERE SCORE_WK_ID = ${score_wk};
		\if :ERROR <> 0
		  \goto ERRORS
		\endif

		INSERT INTO ${MKT_DB}.CHURN_SCORE_WK
			(SUBSCR_ID, SCORE_WK_ID, CHURN_PROB, RISK_BAND_CD, MODEL_VER)
		SELECT s.SUBSCR_ID
		     , ${score_wk}
		     , s.CHURN_PROB
		     , CASE WHEN s.CHURN_PROB >= 0.70 THEN 'HIGH'
		            WHEN s.CHURN_PROB >= 0.40 THEN 'MED'
		            ELSE 'LOW' END
		     , s.MODEL_VER
		FROM   ${DS_DB}.CHURN_MODEL_OUTPUT s
		WHERE  s.SCORE_RUN_ID = (SELECT MAX(SCORE_RUN_ID) FROM ${DS_DB}.CHURN_MODEL_OUTPUT)
		QUALIFY ROW_NUMBER() OVER (PARTITION BY s.SUBSCR_ID ORDER BY s.SCORE_TS DESC) = 1;
		\if :ERROR <> 0
		  \goto ERRORS
		\endif

		ANALYZE ${MKT_DB}.CHURN_SCORE_WK (SCORE_WK_ID);

		-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
		-- .LOGOFF
		\exit 0

		\label ERRORS
		\exit 12
	EOF
	return $?
}

publish_scores
RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
	echo "churn score publish failed rc=$RETURN_CD" >> ${LOG}
	exit $RETURN_CD
fi
exit 0
