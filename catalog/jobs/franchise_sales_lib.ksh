#!/usr/bin/ksh
source $1/get_redshift_creds.sh $2
#######################################################################
# franchise_sales_lib.ksh
#   Franchise royalty calculation - library of BTEQ steps.
#   BTEQ binary is taken from the environment so the same lib runs on
#   the Linux and the legacy AIX ETL servers.
#######################################################################
BTEQ=${BTEQ:-/usr/bin/bteq}
LOG=${LOG_DIR}/franchise_sales_$(date +%Y%m%d).log
set -o pipefail

load_royalty_base()
{
rsql -h $HOST -U $USER -d $DB <<EOF
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE $LOGONDIR/FRAN_ETL;
\rset width 200
DELETE FROM ${FRAN_DB}.ROYALTY_BASE WHERE FISCAL_WK_ID = ${FISCAL_WK};
\if :ERROR <> 0
  \exit 8
\endif
INSERT INTO ${FRAN_DB}.ROYALTY_BASE (FRANCHISEE_ID, STORE_NBR, FISCAL_WK_ID, NET_SALES_AMT)
SELECT f.FRANCHISEE_ID, s.STORE_NBR, ${FISCAL_WK}, SUM(s.NET_SALES_AMT)
FROM   ${SALES_DB}.STORE_SALES_WK s
JOIN   ${FRAN_DB}.FRANCHISE_STORE f ON f.STORE_NBR = s.STORE_NBR
WHERE  s.FISCAL_WK_ID = ${FISCAL_WK}
GROUP BY 1,2,3;
\if :ERROR <> 0
  \exit 8
\endif
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
}

calc_royalty()
{
rsql -h $HOST -U $USER -d $DB <<EOF | tee -a "$LOG"
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE $LOGONDIR/FRAN_ETL;
\rset width 200
UPDATE ${FRAN_DB}.ROYALTY_BASE
SET    ROYALTY_AMT = ROYALTY_BASE.NET_SALES_AMT * rr.RATE_PCT / 100
FROM   ${FRAN_DB}.ROYALTY_RATE rr
WHERE  ROYALTY_BASE.FRANCHISEE_ID = rr.FRANCHISEE_ID
AND    ROYALTY_BASE.FISCAL_WK_ID BETWEEN rr.FROM_WK_ID AND rr.TO_WK_ID
AND    ROYALTY_BASE.FISCAL_WK_ID = ${FISCAL_WK};
\if :ERROR <> 0
  \exit 8
\endif
SELECT COUNT(*) FROM ${FRAN_DB}.ROYALTY_BASE
WHERE FISCAL_WK_ID = ${FISCAL_WK} AND ROYALTY_AMT IS NULL;
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
}

load_royalty_base || exit $?
calc_royalty
RETURN_CD=$?
exit $RETURN_CD
