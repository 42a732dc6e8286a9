#!/bin/bash
source $1/get_redshift_creds.sh $2
# -----------------------------------------------------------------------------
# bank_txn_daily_export.bash
#   Extract yesterday's posted card and deposit transactions to CSV for the
#   fraud analytics vendor. Files land in $OUT_DIR and are picked up by SFTP.
# -----------------------------------------------------------------------------
source /etc/edw/env.sh
RUN_DT=`date +%Y%m%d`
LOG=${LOG_DIR}/bank_txn_daily_export_${RUN_DT}.log
ERR=${LOG_DIR}/bank_txn_daily_export_${RUN_DT}.err

rsql -h $HOST -U $USER -d $DB <<EOF>${LOG} 2>${ERR}
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON ${TDPID}/${TDUSER},********
\rset width 65531
\rset titledashes off
-- rsqlmig: BQ043 .SET SEPARATOR ',' has no RSQL counterpart: use \pset fieldsep with \pset format unaligned, or UNLOAD ... DELIMITER
-- .SET SEPARATOR ','
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF
\remark 'Export started at `date`'

\export report file=${OUT_DIR}/z_$(date +'%Y%m%d').csv

SELECT 'TXN_ID,ACCT_NO,POST_DT,TXN_AMT,MCC,CHANNEL';

SELECT  TRIM(t.TXN_ID) || ',' ||
        TRIM(t.ACCT_NO) || ',' ||
        CAST(TO_CHAR(t.POST_DT, 'YYYY-MM-DD') AS CHAR(10)) || ',' ||
        TRIM(CAST(t.TXN_AMT AS DECIMAL(18,2))) || ',' ||
        COALESCE(t.MCC_CD, '') || ',' ||
        t.CHANNEL_CD
FROM    ${BANK_DB}.POSTED_TXN t
WHERE   t.POST_DT = TO_DATE('${RUN_DT}', 'YYYYMMDD') - 1
AND     t.PRODUCT_GRP_CD IN ($PRODUCT_LIST);
\if :ERROR <> 0
  \exit 8
\endif

\export reset

INSERT INTO ${AUD_DB}.EXPORT_AUDIT (JOB_NM, FILE_NM, RUN_TS, EXPORTED_BY)
VALUES ('BANK_TXN_DAILY_EXPORT', 'z_${RUN_DT}.csv', GETDATE(), '`whoami`');

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF

RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
    echo "bteq export failed rc=$RETURN_CD, see $ERR" >&2
    exit $RETURN_CD
fi
gzip -f ${OUT_DIR}/z_${RUN_DT}.csv
