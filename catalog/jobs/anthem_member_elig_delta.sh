#!/bin/bash
# Converted from anthem_member_elig_delta.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
 * Job Name      : EDW_MBR_ELIG_DELTA
 * Subject Area  : Membership / Eligibility
 * Source Tables : ${SRC_DB}.MBR_ELIG_STG, ${SRC_DB}.MBR_CVRG_STG
 * Target Tables : ${TGT_DB}.MBR_ELIG
 * Description   : Identify new / changed eligibility spans since last run
 *                 and apply them to MBR_ELIG (type-2).
 * Modification History
 *   03/14/2017  jkoh      created
 *   11/02/2019  mdsouza   moved to LDAP logon, added delta volatile table
 *****************************************************************************/
-- rsqlmig: BQ042 .SET SESSION TRANSACTION BTET dropped: RSQL commits each statement on its own, as BTET mode does
-- .SET SESSION TRANSACTION BTET;
-- rsqlmig: BQ001 .LOGMECH removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGMECH LDAP;
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .logon ${TDPID}/${TDUSER},********

\rset width 500
-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .SET ERROROUT STDOUT

CREATE TEMP TABLE VT_ELIG_DELTA DISTKEY(MBR_ID) SORTKEY(MBR_ID) AS
SELECT  s.MBR_ID
        , s.GRP_ID
        , s.CVRG_TYPE_CD
        , TO_DATE(s.ELIG_EFF_DT_TXT, 'YYYYMMDD') AS ELIG_EFF_DT
        , TO_DATE(s.ELIG_TRM_DT_TXT, 'YYYYMMDD') AS ELIG_TRM_DT
        , s.SRC_SYS_CD
  FROM    ${SRC_DB}.MBR_ELIG_STG s
  WHERE   s.BATCH_DT > (SELECT COALESCE(MAX(LAST_RUN_DT), DATE '1900-01-01')
                        FROM ${TGT_DB}.ETL_JOB_CTL WHERE JOB_NM = 'EDW_MBR_ELIG_DELTA')
  QUALIFY ROW_NUMBER() OVER (PARTITION BY s.MBR_ID, s.CVRG_TYPE_CD
                             ORDER BY s.SRC_UPD_TS DESC) = 1;
\if :ERROR <> 0
  \goto ERROR_END
\endif

UPDATE ${TGT_DB}.MBR_ELIG
SET    ELIG_END_DT = d.ELIG_EFF_DT - 1
     , CURR_IND    = 'N'
FROM   VT_ELIG_DELTA d
WHERE  MBR_ELIG.MBR_ID       = d.MBR_ID
AND    MBR_ELIG.CVRG_TYPE_CD = d.CVRG_TYPE_CD
AND    MBR_ELIG.CURR_IND     = 'Y'
AND    MBR_ELIG.ELIG_STRT_DT < d.ELIG_EFF_DT;
\if :ERROR <> 0
  \goto ERROR_END
\endif

INSERT INTO ${TGT_DB}.MBR_ELIG
      (MBR_ID, GRP_ID, CVRG_TYPE_CD, ELIG_STRT_DT, ELIG_END_DT, CURR_IND, SRC_SYS_CD, LOAD_TS)
SELECT MBR_ID, GRP_ID, CVRG_TYPE_CD, ELIG_EFF_DT, ELIG_TRM_DT, 'Y', SRC_SYS_CD, GETDATE()
FROM   VT_ELIG_DELTA;
\if :ERROR <> 0
  \goto ERROR_END
\endif

UPDATE ${TGT_DB}.ETL_JOB_CTL
SET    LAST_RUN_DT = CURRENT_DATE
WHERE  JOB_NM = 'EDW_MBR_ELIG_DELTA';
\if :ERROR <> 0
  \goto ERROR_END
\endif

ANALYZE ${TGT_DB}.MBR_ELIG (MBR_ID);

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\if :ERROR <> 0
  \exit 12
\endif
\exit 0

\label ERROR_END
\exit 8
EOF
rsqlexitcode=$?
exit $rsqlexitcode
