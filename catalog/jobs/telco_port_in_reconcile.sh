#!/bin/bash
# Converted from telco_port_in_reconcile.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
 *  PORT_IN_RECONCILE
 *  Reconcile number port-in requests against activations.
 *  Uses the BTEQ 16.20 multi-line IF / ELSEIF / ELSE / ENDIF form.
 *  Exit codes: 0 ok / nothing to do, 4 volume above threshold (manual
 *              review), 12 failed
 *****************************************************************************/
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON ${TDPID}/${TDUSER},********
\rset width 200

SELECT 1 FROM ${STG_DB}.PORT_IN_REQ WHERE LOAD_DT = CURRENT_DATE;
\if :ERROR <> 0 OR :ACTIVITYCOUNT = 0
  \exit 12
\endif

SELECT PORT_REQ_ID FROM ${STG_DB}.PORT_IN_REQ
WHERE  LOAD_DT = CURRENT_DATE AND REQ_STATUS_CD = 'PENDING';
\if :ACTIVITYCOUNT = 0
    \remark 'No pending port-in requests today'
    INSERT INTO ${AUD_DB}.ETL_JOB_RUN (JOB_NM, RUN_DT, RUN_STATUS, ROW_CNT)
    VALUES ('PORT_IN_RECONCILE', CURRENT_DATE, 'NO_DATA', 0);
    \exit 0
\elseif :ACTIVITYCOUNT > 500000
    \remark 'Pending volume above threshold - routing to manual review'
    \exit 4
\else
    DELETE FROM ${WRK_DB}.PORT_IN_MATCH;
    INSERT INTO ${WRK_DB}.PORT_IN_MATCH (PORT_REQ_ID, MSISDN, ACTV_ID, MATCH_TS)
    SELECT r.PORT_REQ_ID, r.MSISDN, a.ACTV_ID, GETDATE()
    FROM   ${STG_DB}.PORT_IN_REQ r
    JOIN   ${EDW_DB}.SUBSCR_ACTIVATION a
      ON   a.MSISDN = r.MSISDN
     AND   a.ACTV_DT BETWEEN r.REQ_DT AND r.REQ_DT + 3
    WHERE  r.REQ_STATUS_CD = 'PENDING';
\endif

\if :ERROR <> 0
  \exit 12
\endif

UPDATE ${STG_DB}.PORT_IN_REQ
SET    REQ_STATUS_CD = 'COMPLETED'
     , UPD_TS        = GETDATE()
FROM   ${WRK_DB}.PORT_IN_MATCH m
WHERE  PORT_IN_REQ.PORT_REQ_ID = m.PORT_REQ_ID;
\if :ERROR <> 0
  \exit 12
\endif
-- rsqlmig: BQ023 .IF condition has no RSQL counterpart: WARNINGCODE <> 0
-- .IF WARNINGCODE <> 0 THEN .GOTO WARN

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label WARN
\remark 'Completed with database warning - check the log'
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 4
EOF
rsqlexitcode=$?
exit $rsqlexitcode
