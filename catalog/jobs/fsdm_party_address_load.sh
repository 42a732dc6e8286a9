#!/bin/bash
# Converted from fsdm_party_address_load.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/* ==========================================================================
   FSDM  :  PARTY_ADDRESS  daily load (type-1 upsert)
   Source:  &&ENV_STG.STG_PARTY_ADDR
   Target:  &&ENV_LDR.PARTY_ADDRESS
   Work  :  &&ENV_WRK.WRK_PARTY_ADDR
   Exit  :  highest ERRORLEVEL seen (scheduler treats > 0 as failed)
   ========================================================================== */
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON tdprod01/etl_fsdm,********;

-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3807 -> 42P01): check that Redshift raises them
-- .SET ERRORLEVEL 3807 SEVERITY 0
\rset errorlevel 42P01 severity 0
\rset maxerror 7
\rset width 254

SET search_path TO &&ENV_LDR;
\if :ERROR <> 0
  \goto EXITERR
\endif

DROP TABLE &&ENV_WRK.WRK_PARTY_ADDR;

CREATE TABLE &&ENV_WRK.WRK_PARTY_ADDR DISTKEY(PARTY_ID) SORTKEY(PARTY_ID) AS
SELECT  PARTY_ID
     , ADDR_TYPE_CD
     , ADDR_LINE_1
     , ADDR_LINE_2
     , CITY_NM
     , POSTAL_CD
     , COUNTRY_CD
     , SRC_UPD_TS
  FROM &&ENV_STG.STG_PARTY_ADDR
  WHERE LOAD_DT = CURRENT_DATE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY PARTY_ID, ADDR_TYPE_CD
                             ORDER BY SRC_UPD_TS DESC) = 1;
\if :ERROR <> 0
  \goto EXITERR
\endif

BEGIN;

UPDATE &&ENV_LDR.PARTY_ADDRESS
SET    ADDR_LINE_1 = src.ADDR_LINE_1
     , ADDR_LINE_2 = src.ADDR_LINE_2
     , CITY_NM     = src.CITY_NM
     , POSTAL_CD   = src.POSTAL_CD
     , COUNTRY_CD  = src.COUNTRY_CD
     , UPD_TS      = GETDATE()
FROM   &&ENV_WRK.WRK_PARTY_ADDR src
WHERE  PARTY_ADDRESS.PARTY_ID     = src.PARTY_ID
AND    PARTY_ADDRESS.ADDR_TYPE_CD = src.ADDR_TYPE_CD;
\if :ERROR <> 0
  \goto EXITERR
\endif

INSERT INTO &&ENV_LDR.PARTY_ADDRESS
      (PARTY_ID, ADDR_TYPE_CD, ADDR_LINE_1, ADDR_LINE_2, CITY_NM, POSTAL_CD, COUNTRY_CD, INS_TS, UPD_TS)
SELECT    src.PARTY_ID, src.ADDR_TYPE_CD, src.ADDR_LINE_1, src.ADDR_LINE_2
     , src.CITY_NM, src.POSTAL_CD, src.COUNTRY_CD, GETDATE(), GETDATE()
FROM   &&ENV_WRK.WRK_PARTY_ADDR src
WHERE  NOT EXISTS (SELECT 1 FROM &&ENV_LDR.PARTY_ADDRESS t
                   WHERE t.PARTY_ID = src.PARTY_ID
                   AND   t.ADDR_TYPE_CD = src.ADDR_TYPE_CD);
\if :ERROR <> 0
  \goto EXITERR
\endif

COMMIT;
\if :ERROR <> 0
  \goto EXITERR
\endif

ANALYZE &&ENV_LDR.PARTY_ADDRESS (PARTY_ID);

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label EXITERR
-- rsqlmig: BQ011 .EXIT ERRORLEVEL: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .EXIT ERRORLEVEL
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF
rsqlexitcode=$?
exit $rsqlexitcode
