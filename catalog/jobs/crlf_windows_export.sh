#!/bin/bash
# Converted from crlf_windows_export.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*************************************************************************
 * WINDOWS_EXPORT  -  branch network extract for the Finance share drive
 * Runs from the Windows scheduler box (bteq.exe < crlf_windows_export.btq)
 *************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE = E:\etl\logon\td_prod_logon.txt;
\rset width 400
\rset titledashes off
-- rsqlmig: BQ043 .SET SEPARATOR '|' has no RSQL counterpart: use \pset fieldsep with \pset format unaligned, or UNLOAD ... DELIMITER
-- .SET SEPARATOR '|'

\os del C:\exports\branch_network.txt

\export report file='C:\\\exports\\\branch_network.txt'

SELECT  b.BRANCH_ID
      , b.BRANCH_NM
      , b.REGION_CD
      , b.OPEN_DT
      , COALESCE(b.CLOSE_DT, DATE '9999-12-31') AS "CLOSE_DT"
FROM    ${REF_DB}.BRANCH b
WHERE   b.BRANCH_TYPE_CD IN ('FULL', 'KIOSK')
ORDER BY 1 NULLS FIRST;
\if :ERROR <> 0
  \goto ERRORS
\endif

\export reset

-- rsqlmig: BQ043 .SET RECORDMODE OFF has no RSQL counterpart: binary record output: write the data with UNLOAD to S3
-- .SET RECORDMODE OFF
-- rsqlmig: BQ051 .EXPORT DATA has no RSQL counterpart: write the rows with UNLOAD ('select ...') TO 's3://...' IAM_ROLE ...
-- .EXPORT DATA FILE = C:\exports\branch_ids.txt;
SELECT BRANCH_ID FROM ${REF_DB}.BRANCH WHERE CLOSE_DT IS NULL;
-- rsqlmig: BQ051 .EXPORT RESET ends the DATA export above
-- .EXPORT RESET

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label ERRORS
\export reset
\exit 8
EOF
rsqlexitcode=$?
exit $rsqlexitcode
