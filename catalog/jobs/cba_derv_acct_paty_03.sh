#!/bin/bash
# Converted from cba_derv_acct_paty_03.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
** Script      : DERV_ACCT_PATY_03_CRAT_WORK_TABL.btq
** Stream      : %%STRM_C%%  - Derived Account / Party relationships
** Description : Build the generic-mapping work tables used by steps 04-06
**               of the DERV_ACCT_PATY derivation.
** Scheduler   : Control-M job DDS_DERV_ACCT_PATY_03
** Reads       : %%STARDATADB%%.ACCT, %%STARDATADB%%.PATY_ACCT_REL
**               %%VTECH%%.GRD_GNRC_MAP
** Writes      : %%DDSTG%%.GRD_GNRC_MAP_ACCT, %%DDSTG%%.GRD_GNRC_MAP_PATY
**               %%DDSTG%%.GRD_GNRC_MAP_XREF
** Change Log  :
**   2014-03-11  A.Nguyen   Initial version
**   2016-08-02  R.Patel    3807 handling on work table drops (INC0041187)
*****************************************************************************/
-- rsqlmig: BQ002 logon file include removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .RUN FILE=%%BTEQ_LOGON_SCRIPT%%

-- rsqlmig: BQ042 .SET QUIET ON dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET QUIET ON
-- rsqlmig: BQ042 .SET ECHOREQ OFF dropped: it only changes what BTEQ echoes; RSQL writes results to the job log
-- .SET ECHOREQ OFF
\rset width 65531
-- rsqlmig: BQ042 .SET ERROROUT STDOUT dropped: RSQL writes errors to stderr; redirect it in the shell (2>&1)
-- .SET ERROROUT STDOUT

-- rsqlmig: TD012 query band set as query_group: the key=value pairs become one label; check WLM rules that read it
SET query_group TO 'App=DDS;Job=DERV_ACCT_PATY_03;Strm=%%STRM_C%%;';
\if :ERROR <> 0
  \goto ERRORS
\endif

DROP TABLE %%DDSTG%%.GRD_GNRC_MAP_ACCT;
\if :'ERRORCODE' = '42P01'
  \goto NEXT1
\endif
\if :ERROR = 0
  \goto NEXT1
\endif
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
\label NEXT1

CREATE TABLE %%DDSTG%%.GRD_GNRC_MAP_ACCT DISTKEY(ACCT_I) SORTKEY(ACCT_I) AS
SELECT  A.ACCT_I
        , A.SRCE_SYST_C
        , M.GNRC_MAP_C
        , TO_DATE(A.OPEN_D_X, 'YYYYMMDD') AS OPEN_D
  FROM    %%STARDATADB%%.ACCT A
  INNER JOIN %%VTECH%%.GRD_GNRC_MAP M
          ON  M.SRCE_SYST_C = A.SRCE_SYST_C
          AND M.MAP_TYPE_C  = 'ACCT'
  WHERE   A.EXPY_D = DATE '9999-12-31';
\if :ERROR <> 0
  \goto ERRORS
\endif

DROP TABLE %%DDSTG%%.GRD_GNRC_MAP_PATY;
\if :'ERRORCODE' = '42P01'
  \goto NEXT2
\endif
\if :ERROR = 0
  \goto NEXT2
\endif
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
\label NEXT2

CREATE TABLE %%DDSTG%%.GRD_GNRC_MAP_PATY DISTKEY(PATY_I) SORTKEY(PATY_I) AS
SELECT  R.PATY_I
        , R.ACCT_I
        , R.REL_TYPE_C
        , M.GNRC_MAP_C
  FROM    %%STARDATADB%%.PATY_ACCT_REL R
  INNER JOIN %%VTECH%%.GRD_GNRC_MAP M
          ON  M.SRCE_SYST_C = R.SRCE_SYST_C
          AND M.MAP_TYPE_C  = 'PATY'
  WHERE   R.EXPY_D = DATE '9999-12-31'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY R.PATY_I, R.ACCT_I ORDER BY R.EFFT_D DESC) = 1;
\if :ERROR <> 0
  \goto ERRORS
\endif

DROP TABLE %%DDSTG%%.GRD_GNRC_MAP_XREF;
\if :'ERRORCODE' = '42P01'
  \goto NEXT3
\endif
\if :ERROR = 0
  \goto NEXT3
\endif
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif
\label NEXT3

CREATE TABLE %%DDSTG%%.GRD_GNRC_MAP_XREF (LIKE %%DDSTG%%.GRD_GNRC_MAP_PATY);
\if :ERROR <> 0
  \goto ERRORS
\endif

ANALYZE %%DDSTG%%.GRD_GNRC_MAP_ACCT (ACCT_I);
\if :ERROR <> 0
  \goto ERRORS
\endif
ANALYZE %%DDSTG%%.GRD_GNRC_MAP_PATY (PATY_I);
\if :ERROR <> 0
  \goto ERRORS
\endif

\exit 0

\label ERRORS
-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata value; exits 8 if the last statement failed, else 0
-- .QUIT ERRORCODE
\if :ERROR <> 0
  \exit 8
\else
  \exit 0
\endif

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
EOF
rsqlexitcode=$?
exit $rsqlexitcode
