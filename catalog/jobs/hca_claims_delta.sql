#!/bin/ksh
source $1/get_redshift_creds.sh $2
#------------------------------------------------------------------------------
# Job Name      : J_EDWHR_CLAIMS_DELTA
# Script        : hca_claims_delta.sql   (shell script, run as: sh hca_claims_delta.sql $LOGFILE)
# Source Tables : EDWHR_STAGING.CLAIM_HDR_STG, EDWHR_STAGING.CLAIM_LINE_STG
# Target Table  : EDWHR.CLAIM_DELTA
# Description   : Merge daily claim header changes into the delta table
#------------------------------------------------------------------------------
. $HOME/.profile
. ${EDW_PARM_DIR}/edwhr.parm

rsql -h $HOST -U $USER -d $DB << EOF > $1;
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;
\rset width 200
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF

-- rsqlmig: TD012 query band set as query_group: the key=value pairs become one label; check WLM rules that read it
SET query_group TO 'App=EDWHR;Job=J_EDWHR_CLAIMS_DELTA;Script=$0;';

BEGIN;

DELETE FROM $NCR_STG_SCHEMA.CLAIM_DELTA_WRK;
\if :ERROR <> 0
  \exit 8
\endif

INSERT INTO $NCR_STG_SCHEMA.CLAIM_DELTA_WRK
SELECT  h.CLAIM_ID
      , h.PATIENT_ACCT_NUM
      , h.FACILITY_ID
      , h.TOTAL_CHRG_AMT
      , SUM(l.LINE_CHRG_AMT)
      , h.CLAIM_STATUS_CD
      , h.SRC_UPDT_TS
FROM    EDWHR_STAGING.CLAIM_HDR_STG h
JOIN    EDWHR_STAGING.CLAIM_LINE_STG l
  ON    l.CLAIM_ID = h.CLAIM_ID
GROUP BY 1,2,3,4,6,7;
\if :ERROR <> 0
  \exit 8
\endif

MERGE INTO $NCR_TGT_SCHEMA.CLAIM_DELTA
USING $NCR_STG_SCHEMA.CLAIM_DELTA_WRK SRC
   ON CLAIM_DELTA.CLAIM_ID = SRC.CLAIM_ID
WHEN MATCHED THEN UPDATE
   SET TOTAL_CHRG_AMT  = SRC.TOTAL_CHRG_AMT
     , CLAIM_STATUS_CD = SRC.CLAIM_STATUS_CD
     , DW_LAST_UPDATE_DATE_TIME = GETDATE()
WHEN NOT MATCHED THEN INSERT
   VALUES (SRC.CLAIM_ID, SRC.PATIENT_ACCT_NUM, SRC.FACILITY_ID, SRC.TOTAL_CHRG_AMT,
    SRC.CLAIM_STATUS_CD, 'M', GETDATE());
\if :ERROR <> 0
  \exit 8
\endif

COMMIT;

CALL dbadmin_procs.collect_stats_table('$NCR_TGT_SCHEMA','CLAIM_DELTA');

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF;
\exit 0
EOF
