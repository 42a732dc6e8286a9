#!/bin/bash
source $1/get_redshift_creds.sh $2
#==============================================================================
# retail_planogram_load.sh
#   Loads the category-manager planogram extract and the weekly shelf price
#   file into staging. Both files are delimited text dropped by SFTP.
#     $1 = planogram file (| delimited: store_grp, item_desc)
#     $2 = price file     (, delimited)
#==============================================================================
plano=$1
f=$2
LOG_DIR=/var/log/etl/retail

rsql -h $HOST -U $USER -d $DB <<EOF &>> ${LOG_DIR}/planogram_load.log
-- rsqlmig: BQ042 .SESSIONS 4 dropped: RSQL runs the script in one session
-- .SESSIONS 4
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON ${TDPID}/${TDUSER},********;

SET search_path TO ${STG_DB};

DELETE FROM ${STG_DB}.STG_PLANOGRAM;
\if :ERROR <> 0
  \exit 8
\endif

-- rsqlmig: BQ052 .IMPORT has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .IMPORT VARTEXT '|' FILE = '${plano}'
-- rsqlmig: BQ042 .QUIET ON dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .QUIET ON
-- rsqlmig: BQ052 .REPEAT has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .REPEAT *
-- rsqlmig: BQ052 USING request reads .IMPORT host variables: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- USING (c1 VARCHAR(4), c2 VARCHAR(20))
-- INSERT INTO ${STG_DB}.STG_PLANOGRAM VALUES (:c1, :c2);
-- rsqlmig: BQ042 .QUIET OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .QUIET OFF
\if :ERROR <> 0
  \exit 8
\endif

DELETE FROM ${STG_DB}.STG_SHELF_PRICE;

-- rsqlmig: BQ052 .PACK has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .PACK 1000
-- rsqlmig: BQ052 .IMPORT has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .IMPORT VARTEXT ',' file=$f;
-- rsqlmig: BQ052 .REPEAT has no RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- .REPEAT *
-- rsqlmig: BQ052 USING request reads .IMPORT host variables: load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)
-- USING (STORE_NBR VARCHAR(6), ITEM_NBR VARCHAR(12), SHELF_PRICE VARCHAR(12), EFF_DT VARCHAR(8))
-- INSERT INTO ${STG_DB}.STG_SHELF_PRICE (STORE_NBR, ITEM_NBR, SHELF_PRICE_AMT, EFF_DT)
-- VALUES (:STORE_NBR, :ITEM_NBR, CAST(:SHELF_PRICE AS DECIMAL(9,2)),
--         CAST(:EFF_DT AS DATE FORMAT 'YYYYMMDD'));
\if :ERROR <> 0
  \exit 8
\endif

SELECT COUNT(*) FROM ${STG_DB}.STG_SHELF_PRICE;
-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0
EOF
exit $?
