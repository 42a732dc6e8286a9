#!/bin/ksh
source $1/get_redshift_creds.sh $2
#------------------------------------------------------------------------------
# Job Name      : J_EDWHR_ENCOUNTER_STAGE
# Script        : hca_encounter_stage.sql  (run as: sh hca_encounter_stage.sql $LOGFILE)
# Source Tables : EDWHR_STAGING.ENCNTR_RAW
# Target Table  : EDWHR_STAGING.ENCNTR_STG
# Change        : 2019-06-12 old full-refresh block kept commented out below
#------------------------------------------------------------------------------
. ${EDW_PARM_DIR}/edwhr.parm

#bteq << EOF > $1;
#.RUN FILE=${LOGON_DIR}/logon.btq;
#DELETE FROM EDWHR_STAGING.ENCNTR_STG ALL;
#INSERT INTO EDWHR_STAGING.ENCNTR_STG SELECT * FROM EDWHR_STAGING.ENCNTR_RAW;
#.IF ERRORCODE <> 0 THEN .QUIT ERRORCODE;
#.LOGOFF;
#EOF

rsql -h $HOST -U $USER -d $DB << EOF > $1;
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;
\rset width 200

DELETE FROM $NCR_STG_SCHEMA.ENCNTR_STG
WHERE  ADMIT_DT >= CURRENT_DATE - 3;
\if :ERROR <> 0
  \exit 8
\endif

INSERT INTO $NCR_STG_SCHEMA.ENCNTR_STG
SELECT  r.ENCNTR_ID
      , r.PATIENT_ACCT_NUM
      , r.FACILITY_ID
      , TO_DATE(r.ADMIT_DT_TXT, 'YYYYMMDD')
      , TO_DATE(r.DISCH_DT_TXT, 'YYYYMMDD')
      , r.ENCNTR_TYPE_CD
      , GETDATE()
FROM    EDWHR_STAGING.ENCNTR_RAW r
WHERE   TO_DATE(r.ADMIT_DT_TXT, 'YYYYMMDD') >= CURRENT_DATE - 3
QUALIFY ROW_NUMBER() OVER (PARTITION BY r.ENCNTR_ID ORDER BY r.EXTRACT_TS DESC) = 1;
\if :ERROR <> 0
  \exit 8
\endif

ANALYZE $NCR_STG_SCHEMA.ENCNTR_STG (ENCNTR_ID);

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF;
\exit 0
EOF
