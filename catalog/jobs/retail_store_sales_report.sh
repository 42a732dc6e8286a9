#!/bin/bash
# Converted from retail_store_sales_report.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*==========================================================================*/
/*  RETAIL  -  Daily store sales report (emailed to regional managers)      */
/*  Output  :  /data/out/store_sales_daily.txt                              */
/*  Owner   :  Merch BI  (merch-bi-support@example.com)                     */
/*==========================================================================*/
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON rtlprod/rpt_batch,********

-- rsqlmig: BQ042 .SET DEFAULTS dropped: RSQL starts with its default formatting
-- .SET DEFAULTS
\rset width 180
-- rsqlmig: BQ043 .SET PAGELENGTH 255 has no RSQL counterpart: report formatting RSQL cannot reproduce; check the report output
-- .SET PAGELENGTH 255
\rset titledashes off
-- rsqlmig: BQ043 .SET UNDERLINE OFF has no RSQL counterpart: report formatting RSQL cannot reproduce; check the report output
-- .SET UNDERLINE OFF
\rset rformat off
\rset heading 'Daily report'
-- rsqlmig: BQ043 .SET RETLIMIT 100 has no RSQL counterpart: limit the rows in the query itself (LIMIT n)
-- .SET RETLIMIT 100
-- rsqlmig: BQ043 .SET RETCANCEL ON has no RSQL counterpart: limit the rows in the query itself (LIMIT n)
-- .SET RETCANCEL ON
-- rsqlmig: BQ042 .SHOW dropped: it only prints BTEQ's own settings
-- .SHOW CONTROLS

SET search_path TO ${RPT_DB};

\export report file=/data/out/store_sales_daily.txt

SELECT 'REGION|STORE|SALES_DT|NET_SALES|TXN_CNT';

SELECT  TRIM(r.REGION_NM) || '|' ||
        TRIM(s.STORE_NBR) || '|' ||
        CAST(TO_CHAR(f.SALES_DT, 'YYYY-MM-DD') AS CHAR(10)) || '|' ||
        TRIM(CAST(SUM(f.NET_SALES_AMT) AS DECIMAL(15,2))) || '|' ||
        TRIM(COUNT(DISTINCT f.TXN_ID))
FROM    ${RPT_DB}.SALES_TXN_FACT f
JOIN    ${RPT_DB}.STORE_DIM  s ON s.STORE_KEY  = f.STORE_KEY
JOIN    ${RPT_DB}.REGION_DIM r ON r.REGION_KEY = s.REGION_KEY
WHERE   f.SALES_DT = CURRENT_DATE - 1
GROUP BY r.REGION_NM, s.STORE_NBR, f.SALES_DT
ORDER BY 1;
\if :ERROR <> 0
  \goto ERRORS
\endif

\export reset

/* month-to-date summary goes to the log, side-titled for readability */
\rset rformat on
\rset rtitle 'Monthly//Summary'
-- rsqlmig: BQ043 .SET SIDETITLES ON has no RSQL counterpart: report formatting RSQL cannot reproduce; check the report output
-- .SET SIDETITLES ON
-- rsqlmig: BQ043 .SET FOLDLINE ON ALL has no RSQL counterpart: report formatting RSQL cannot reproduce; check the report output
-- .SET FOLDLINE ON ALL

SELECT  r.REGION_NM               AS "Region"
      , SUM(f.NET_SALES_AMT)      AS "MTD Net Sales"
      , SUM(f.RETURN_AMT)         AS "MTD Returns"
      , COUNT(DISTINCT f.TXN_ID)  AS "MTD Transactions"
FROM    ${RPT_DB}.SALES_TXN_FACT f
JOIN    ${RPT_DB}.STORE_DIM  s ON s.STORE_KEY  = f.STORE_KEY
JOIN    ${RPT_DB}.REGION_DIM r ON r.REGION_KEY = s.REGION_KEY
WHERE   f.SALES_DT BETWEEN CURRENT_DATE - EXTRACT(DAY FROM CURRENT_DATE) + 1 AND CURRENT_DATE - 1
GROUP BY 1;
\if :ERROR <> 0
  \goto ERRORS
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label ERRORS
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF
rsqlexitcode=$?
exit $rsqlexitcode
