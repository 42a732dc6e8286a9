#!/bin/bash
# Converted from airflow_dim_product_scd.bteq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
-- =====================================================================
-- airflow_dim_product_scd.bteq
-- Rendered by Airflow (TeradataOperator / BteqOperator) before it runs:
--   {{ params.db }}      target database     (e.g. EDW_PRD)
--   {{ params.stg_db }}  staging database
--   {{ ds_nodash }}      logical run date YYYYMMDD
-- The operator supplies the logon; the session runs in ANSI mode.
-- =====================================================================
-- rsqlmig: BQ043 .SET SESSION TRANSACTION ANSI has no RSQL counterpart: RSQL commits each statement on its own; wrap each unit of work in BEGIN; ... COMMIT;
-- .SET SESSION TRANSACTION ANSI
-- rsqlmig: BQ042 .SET SESSION CHARSET 'UTF8' dropped: Redshift sessions are UTF-8
-- .SET SESSION CHARSET 'UTF8'
\rset width 400

UPDATE {{ params.db }}.DIM_PRODUCT
SET    EFF_TO_DT = TO_DATE('{{ ds_nodash }}', 'YYYYMMDD') - 1
     , CURR_FLG  = 'N'
WHERE  CURR_FLG = 'Y'
AND    PRODUCT_CD IN (SELECT s.PRODUCT_CD
                      FROM   {{ params.stg_db }}.STG_PRODUCT s
                      JOIN   {{ params.db }}.DIM_PRODUCT d
                        ON   d.PRODUCT_CD = s.PRODUCT_CD AND d.CURR_FLG = 'Y'
                      WHERE  d.ROW_HASH <> s.ROW_HASH);
\if :ERROR <> 0
  \goto FAILED
\endif

INSERT INTO {{ params.db }}.DIM_PRODUCT
      (PRODUCT_CD, PRODUCT_NM, CATEGORY_CD, BRAND_NM, ROW_HASH, EFF_FROM_DT, EFF_TO_DT, CURR_FLG)
SELECT s.PRODUCT_CD, s.PRODUCT_NM, s.CATEGORY_CD, s.BRAND_NM, s.ROW_HASH
     , TO_DATE('{{ ds_nodash }}', 'YYYYMMDD'), DATE '9999-12-31', 'Y'
FROM   {{ params.stg_db }}.STG_PRODUCT s
LEFT JOIN {{ params.db }}.DIM_PRODUCT d
       ON d.PRODUCT_CD = s.PRODUCT_CD AND d.CURR_FLG = 'Y'
WHERE  d.PRODUCT_CD IS NULL;
\if :ERROR <> 0
  \goto FAILED
\endif

COMMIT;

ANALYZE {{ params.db }}.DIM_PRODUCT (PRODUCT_CD);
COMMIT;

\exit 0

\label FAILED
ROLLBACK;
\exit 8
EOF
rsqlexitcode=$?
exit $rsqlexitcode
