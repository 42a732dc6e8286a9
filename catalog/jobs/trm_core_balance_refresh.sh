#!/bin/bash
# Converted from trm_core_balance_refresh.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
--------------------------------------------------------------------------------
-- TRM  Treasury Risk Mart
-- Job     : CORE_BALANCE_REFRESH   (partition-aware work tables)
-- Note    : no logon here - the TRM runner prepends the session logon and
--           substitutes "@CoreDatabase" / @WorkingPartitionId before submit
--------------------------------------------------------------------------------
-- rsqlmig: BQ041 .SET ERRORLEVEL UNKNOWN SEVERITY 8 has no RSQL counterpart: RSQL maps one SQLSTATE at a time
-- .SET ERRORLEVEL UNKNOWN SEVERITY 8
-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3807 -> 42P01, 2652 -> XX000): check that Redshift raises them
-- .errorlevel (3807,2652) severity 0
\rset errorlevel 42P01 severity 0
\rset errorlevel XX000 severity 0
-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3624 -> XX000): check that Redshift raises them
-- .SET ERRORLEVEL 3624 SEVERITY 0;
\rset errorlevel XX000 severity 0
 /* stats not yet collected on new partition */

DROP TABLE "@WorkDatabase".WK_CORE_BAL@WorkingPartitionId;

-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3807 -> 42P01): check that Redshift raises them
-- .errorlevel 3807 severity 8
\rset errorlevel 42P01 severity 8

CREATE TABLE "@WorkDatabase".WK_CORE_BAL@WorkingPartitionId
( POSN_ID        DECIMAL(18,0) NOT NULL
, BOOK_CD        VARCHAR(12)
, CCY_CD         CHAR(3)
, BAL_AMT        DECIMAL(23,4)
, BAL_AMT_RPT    DECIMAL(23,4)
, AS_OF_DT       DATE
) DISTKEY(POSN_ID) SORTKEY(POSN_ID);
\if :ERROR <> 0
  \goto EXITERR
\endif

INSERT INTO "@WorkDatabase".WK_CORE_BAL@WorkingPartitionId
SELECT  b.POSN_ID
      , b.BOOK_CD
      , b.CCY_CD
      , b.BAL_AMT
      , b.BAL_AMT * COALESCE(fx.RATE, 1)
      , b.AS_OF_DT
FROM    "@CoreDatabase".POSN_BAL b
LEFT JOIN "@CoreDatabase".FX_RATE_DAILY fx
       ON fx.FROM_CCY_CD = b.CCY_CD
      AND fx.TO_CCY_CD   = 'AUD'
      AND fx.RATE_DT     = b.AS_OF_DT
WHERE   b.AS_OF_DT = (SELECT MAX(AS_OF_DT) FROM "@CoreDatabase".POSN_BAL);
\if :ERROR <> 0
  \goto EXITERR
\endif

DELETE FROM "@CoreDatabase".CORE_BAL_SNAP
WHERE  AS_OF_DT = (SELECT MAX(AS_OF_DT) FROM "@WorkDatabase".WK_CORE_BAL@WorkingPartitionId);

INSERT INTO "@CoreDatabase".CORE_BAL_SNAP
SELECT * FROM "@WorkDatabase".WK_CORE_BAL@WorkingPartitionId;
\if :ERROR <> 0
  \goto EXITERR
\endif

ANALYZE "@CoreDatabase".CORE_BAL_SNAP (AS_OF_DT);

\exit 0

\label EXITERR
\exit 100
EOF
rsqlexitcode=$?
exit $rsqlexitcode
