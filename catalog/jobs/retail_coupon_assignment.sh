#!/bin/bash
# Converted from retail_coupon_assignment.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/**************************************************************************
 * RETAIL LOYALTY - assign unique coupon codes to this week's campaign
 * Target : ${LYL_DB}.CUST_COUPON
 * NOTE   : the line ".ASSIGN_UNIQUE_COUPONS;" below is a long-standing typo
 *          (meant to be a .LABEL) - it is harmless, BTEQ just reports it.
 **************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=${LOGON_DIR}/logon.btq;
\rset width 255

CREATE TEMP TABLE vt_campaign_cust
( CUST_ID      DECIMAL(18,0)
, CAMPAIGN_ID  INTEGER
, SEGMENT_CD   VARCHAR(10)
) DISTKEY(CUST_ID) SORTKEY(CUST_ID);
\if :ERROR <> 0
  \exit 8
\endif

INSERT INTO vt_campaign_cust
SELECT c.CUST_ID, k.CAMPAIGN_ID, c.SEGMENT_CD
FROM   ${LYL_DB}.LOYALTY_CUST c
JOIN   ${LYL_DB}.CAMPAIGN k
  ON   k.SEGMENT_CD = c.SEGMENT_CD
WHERE  k.CAMPAIGN_WK_START_DT = CURRENT_DATE - ((CURRENT_DATE - DATE '1900-01-01') % 7)
AND    c.OPT_IN_FLG = 'Y';
\if :ERROR <> 0
  \exit 8
\endif

-- rsqlmig: BQ071 unknown BTEQ command: .ASSIGN_UNIQUE_COUPONS
-- .ASSIGN_UNIQUE_COUPONS;

INSERT INTO ${LYL_DB}.CUST_COUPON (CUST_ID, CAMPAIGN_ID, COUPON_CD, ISSUE_DT)
SELECT v.CUST_ID
     , v.CAMPAIGN_ID
     , 'CPN' || TRIM(v.CAMPAIGN_ID) || '-' ||
       TRIM((SELECT COALESCE(MAX(COUPON_SEQ), 0) FROM ${LYL_DB}.CUST_COUPON)
            + ROW_NUMBER() OVER (ORDER BY v.CUST_ID))
     , CURRENT_DATE
FROM   vt_campaign_cust v
WHERE  NOT EXISTS (SELECT 1 FROM ${LYL_DB}.CUST_COUPON cc
                   WHERE cc.CUST_ID = v.CUST_ID AND cc.CAMPAIGN_ID = v.CAMPAIGN_ID);
\if :ERROR <> 0
  \exit 8
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
-- rsqlmig: BQ011 .QUIT without a code (BTEQ returns the highest severity): RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
EOF
rsqlexitcode=$?
exit $rsqlexitcode
