#!/bin/bash
# Converted from insurance_policy_snapshot.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/* ------------------------------------------------------------------------
   POLICY_SNAPSHOT_MONTHLY
   Month-end snapshot of in-force policies for actuarial reserving.
   This family writes BTEQ commands WITHOUT the leading dot (they end in ;)
   LOGONDB is built by the wrapper as  tdprd/svc_act,$tdwallet(svc_act)
   ------------------------------------------------------------------------ */
-- rsqlmig: BQ001 LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- LOGON ${LOGONDB};

SET search_path TO ${ACT_DB};

DELETE FROM ${ACT_DB}.POLICY_SNAPSHOT
WHERE  SNAP_MTH_END_DT = CURRENT_DATE - EXTRACT(DAY FROM CURRENT_DATE);
\if :ERROR <> 0
  \goto FAILED
\endif

INSERT INTO ${ACT_DB}.POLICY_SNAPSHOT
      (SNAP_MTH_END_DT, POLICY_NO, PRODUCT_CD, SUM_ASSURED_AMT, ANNL_PREM_AMT, ISSUE_AGE, POLICY_STATUS_CD)
SELECT CURRENT_DATE - EXTRACT(DAY FROM CURRENT_DATE)
     , p.POLICY_NO
     , p.PRODUCT_CD
     , p.SUM_ASSURED_AMT
     , p.MODAL_PREM_AMT * p.PREM_FREQ_NBR
     , (p.ISSUE_DT - h.BIRTH_DT) / 365
     , p.POLICY_STATUS_CD
FROM   ${POL_DB}.POLICY p
JOIN   ${POL_DB}.POLICY_HOLDER h ON h.HOLDER_ID = p.HOLDER_ID
WHERE  p.POLICY_STATUS_CD IN ('IF', 'PU', 'LAPSE_GRACE');
\if :ERROR <> 0
  \goto FAILED
\endif

ANALYZE ${ACT_DB}.POLICY_SNAPSHOT (SNAP_MTH_END_DT);

-- rsqlmig: BQ003 LOGOFF dropped: RSQL closes the session when the script ends
-- LOGOFF;
\exit 0

\label FAILED
-- rsqlmig: BQ003 LOGOFF dropped: RSQL closes the session when the script ends
-- LOGOFF;
\exit 8
EOF
rsqlexitcode=$?
exit $rsqlexitcode
