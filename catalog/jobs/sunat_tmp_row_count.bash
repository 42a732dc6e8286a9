#!/bin/bash
source $1/get_redshift_creds.sh $2
# =============================================================================
# sunat_tmp_row_count.bash
#   Builds ${BD_STG}.tmp093168_comprobantes for the period, checks the row
#   count, writes a small report, and drops the tmp table at the end.
#   Period: $1 (YYYYMM)
# =============================================================================
PERIODO=$1
tmp=/tmp/sunat_rowcount_${PERIODO}_$$.txt

rsql -h $HOST -U $USER -d $DB << eof > ${LOG_DIR}/sunat_tmp_${PERIODO}.log 2>&1
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .logon ${TD_HOST}/${TD_USER},********
DROP TABLE ${BD_STG}.tmp093168_comprobantes;
-- rsqlmig: TD058 ADD_MONTHS returns a TIMESTAMP in Redshift and maps a month end to a month end (Teradata keeps the day): use CAST(ADD_MONTHS(...) AS DATE) where a date is needed and check month-end dates
CREATE TABLE ${BD_STG}.tmp093168_comprobantes DISTSTYLE EVEN AS
SELECT num_ruc, cod_tipcomp, num_serie, num_comprob, mto_total, fec_emision
  FROM   ${BD_DWH}.t_comprobante
  WHERE  fec_emision BETWEEN TO_DATE('${PERIODO}01', 'YYYYMMDD')
                         AND ADD_MONTHS(TO_DATE('${PERIODO}01', 'YYYYMMDD'), 1) - 1;
\if :ERROR <> 0
  \exit 8
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .logoff
\exit 0
eof
rsqlexitcode=$?

out=$(rsql -h $HOST -U $USER -d $DB << EOF
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .logon ${TD_HOST}/${TD_USER},********
\rset titledashes off
\export report file='${tmp}'
SELECT TRIM(COUNT(*)) FROM ${BD_STG}.tmp093168_comprobantes;
\export reset
\if :ACTIVITYCOUNT = 0
  \exit 1
\endif
DROP TABLE ${BD_STG}.tmp093168_comprobantes;
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .logoff
\exit 0
EOF)

rc=$?
echo "$out" >> ${LOG_DIR}/sunat_tmp_${PERIODO}.log
if [ $rc -ne 0 ]; then
    echo "Error en conteo del periodo ${PERIODO} (rc=$rc)"
    exit $rc
fi
echo "Filas cargadas: $(cat ${tmp})"
rm -f ${tmp}
exit $rsqlexitcode
