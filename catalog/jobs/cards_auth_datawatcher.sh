#!/bin/bash
# Converted from cards_auth_datawatcher.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/******************************************************************************
** DATAWATCHER : CARDS_AUTH_FEED
** Polls for the card-authorisation feed before the downstream chain starts.
** Scheduler return code contract (do NOT change):
**    0 = feed complete            2 = not arrived yet, repoll
**    1 = feed empty               4 = feed late but usable
**   99 = control row invalid    100 = feed over volume limit
**  101 = feed already processed
******************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=%%BTEQ_LOGON_SCRIPT%%
\rset width 150
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF

SELECT  FEED_STATUS_C, ROW_CNT, ARVL_TS
FROM %%VTECH%%.UTIL_FEED_CTL
WHERE FEED_NAME_C = 'CARDS_AUTH'
AND  BUS_D = CURRENT_DATE - 1;
\if :ERROR <> 0
  \exit 99
\endif
\if :ACTIVITYCOUNT < 1
  \exit 2
\endif

SELECT 1 FROM %%VTECH%%.UTIL_FEED_CTL
WHERE FEED_NAME_C = 'CARDS_AUTH' AND BUS_D = CURRENT_DATE - 1 AND FEED_STATUS_C = 'PROCESSED';
\if :ERROR <> 0
  \exit 99
\endif
\if :ACTIVITYCOUNT >= 1
  \exit 101
\endif

SELECT 1 FROM %%VTECH%%.UTIL_FEED_CTL
WHERE FEED_NAME_C = 'CARDS_AUTH' AND BUS_D = CURRENT_DATE - 1 AND ROW_CNT > 25000000;
\if :ACTIVITYCOUNT > 0
  \exit 100
\endif

SELECT 1 FROM %%VTECH%%.UTIL_FEED_CTL
WHERE FEED_NAME_C = 'CARDS_AUTH' AND BUS_D = CURRENT_DATE - 1 AND ROW_CNT > 0;
\if :ACTIVITYCOUNT <= 0
  \exit 1
\endif

SELECT 1 FROM %%VTECH%%.UTIL_FEED_CTL
WHERE FEED_NAME_C = 'CARDS_AUTH' AND BUS_D = CURRENT_DATE - 1
AND  ARVL_TS > CAST(TO_CHAR(CURRENT_DATE, 'YYYY-MM-DD') || ' 03:00:00' AS TIMESTAMP);
\if :ACTIVITYCOUNT = 1
  \exit 4
\endif

\exit 0
EOF
rsqlexitcode=$?
exit $rsqlexitcode
