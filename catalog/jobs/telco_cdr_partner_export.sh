#!/bin/bash
# Converted from telco_cdr_partner_export.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
--****************************************************************
-- Job      : CDR_PARTNER_EXPORT
-- Purpose  : Export roaming CDRs for each partner operator
--            - pipe separated report file for the clearing house
--            - indicator-mode data file for the legacy rating engine
-- Schedule : daily 04:30 after CDR_LOAD_ROAMING
--****************************************************************
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON ${TDPID}/${TDUSER},********;

\rset width 1048575
-- rsqlmig: BQ043 .SET SEPARATOR '|' has no RSQL counterpart: use \pset fieldsep with \pset format unaligned, or UNLOAD ... DELIMITER
-- .SET SEPARATOR '|'
\rset titledashes off
-- rsqlmig: BQ042 .SET QUIET ON dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET QUIET ON

\export report file=/data/out/roaming_cdr_partner.csv

SELECT  c.PARTNER_TADIG_CD
      , c.IMSI
      , c.CALL_START_TS
      , c.CALL_DUR_SEC
      , c.CHRG_AMT_SDR
FROM    ${CDR_DB}.CDR_ROAMING c
WHERE   c.CALL_DT = CURRENT_DATE - 1
AND     c.PARTNER_TADIG_CD IN (SELECT TADIG_CD FROM ${REF_DB}.ROAM_PARTNER WHERE ACTV_IND = 'Y')
ORDER BY 1, 3;
\if :ERROR <> 0
  \goto EXPORT_FAIL
\endif

\export reset

-- rsqlmig: BQ051 .EXPORT INDICDATA has no RSQL counterpart: write the rows with UNLOAD ('select ...') TO 's3://...' IAM_ROLE ...
-- .EXPORT INDICDATA FILE=/data/out/roaming_cdr_rating.dat

SELECT  c.IMSI
      , c.CALL_START_TS
      , c.CALL_DUR_SEC
      , c.CELL_ID
      , c.CHRG_AMT_SDR
FROM    ${CDR_DB}.CDR_ROAMING c
WHERE   c.CALL_DT = CURRENT_DATE - 1;
\if :ERROR <> 0
  \goto EXPORT_FAIL
\endif

-- rsqlmig: BQ050 .EXPORT options CLOSE have no RSQL counterpart and were left out
-- .export file /data/out/roaming_cdr_rating.dat close
\export report file=/data/out/roaming_cdr_rating.dat

INSERT INTO ${AUD_DB}.EXPORT_AUDIT (JOB_NM, FILE_NM, ROW_CNT, EXPORT_TS)
SELECT 'CDR_PARTNER_EXPORT', 'roaming_cdr_partner.csv', COUNT(*), GETDATE()
FROM   ${CDR_DB}.CDR_ROAMING
WHERE  CALL_DT = CURRENT_DATE - 1;

-- rsqlmig: BQ042 .QUIET OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .QUIET OFF
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label EXPORT_FAIL
\export reset
\exit 12
EOF
rsqlexitcode=$?
exit $rsqlexitcode
