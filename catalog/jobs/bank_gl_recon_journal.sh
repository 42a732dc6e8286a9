#!/bin/bash
# Converted from bank_gl_recon_journal.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/*****************************************************************************
 * GL_RECON_JOURNAL  -  reconcile posted journal lines to ledger balances
 *
 * Steps:  1. log run start              4. compute diffs vs ledger
 *         2. refresh the reset macro    5. tolerance (half a cent rounding)
 *         3. tag AR refunds             6. log run end
 * NB: the diff insert below used to be two requests; since the 2015 change
 *     the DELETE + INSERT go in as ONE multi-statement request (keep it).
 *****************************************************************************/
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON tdprod/gl_batch,********
\rset width 254

SELECT pg_backend_pid(); SELECT GETDATE();

INSERT INTO ${GL_DB}.GL_RECON_LOG (RUN_DT, STEP_NM, NOTE_TX)
VALUES (CURRENT_DATE, 'START', 'phase=1;mode=full;src=GL01');
\if :ERROR <> 0
  \exit 8
\endif

-- rsqlmig: TD037 macro: Redshift has none; rewrite it as a stored procedure (CREATE OR REPLACE PROCEDURE ... LANGUAGE plpgsql) and EXEC as CALL
-- rsqlmig: TD084 host variable :p_run_dt outside a USING request: RSQL reads :name as its own variable; use a literal, an RSQL variable set with \set, or a procedure parameter; kept
REPLACE MACRO ${GL_DB}.M_GL_RECON_RESET (p_run_dt DATE) AS
( DELETE FROM ${GL_DB}.GL_RECON_DIFF WHERE RUN_DT = :p_run_dt;
  DELETE FROM ${GL_DB}.GL_RECON_LOG  WHERE RUN_DT = :p_run_dt AND STEP_NM <> 'START';
);
\if :ERROR <> 0
  \exit 8
\endif

UPDATE ${GL_DB}.GL_JOURNAL_LINE
SET    LINE_DESC = 'Customer''s refund; reversed by AR'
WHERE  JRNL_SRC_CD = 'AR'   /* AR lines only;
                                AP is reconciled in gl_ap_recon.btq */
AND    LINE_DESC LIKE '%REFUND%'
AND    POST_DT = CURRENT_DATE - 1;
\if :ERROR <> 0
  \exit 8
\endif

BEGIN;
DELETE FROM ${GL_DB}.GL_RECON_DIFF WHERE RUN_DT = CURRENT_DATE; -- rerun-safe
INSERT INTO ${GL_DB}.GL_RECON_DIFF ("Account No", "Cost Centre", "Diff Amt", RUN_DT)
SELECT j.GL_ACCT_NO
     , j.COST_CNTR_CD
     , SUM(j.DR_AMT - j.CR_AMT) - MAX(b.CLOSE_BAL_AMT - b.OPEN_BAL_AMT)
     , CURRENT_DATE
FROM   ${GL_DB}.GL_JOURNAL_LINE j
JOIN   ${GL_DB}.GL_LEDGER_BAL   b
  ON   b.GL_ACCT_NO   = j.GL_ACCT_NO
 AND   b.COST_CNTR_CD = j.COST_CNTR_CD
 AND   b.BAL_DT       = j.POST_DT
WHERE  j.POST_DT = CURRENT_DATE - 1
GROUP BY 1,2
HAVING SUM(j.DR_AMT - j.CR_AMT) <> MAX(b.CLOSE_BAL_AMT - b.OPEN_BAL_AMT);
COMMIT;
\if :ERROR <> 0
  \exit 8
\endif

UPDATE ${GL_DB}.GL_RECON_DIFF
SET    TOLERANCE_AMT = ABS("Diff Amt") * 0.0001
                     +
.005
WHERE  RUN_DT = CURRENT_DATE;
\if :ERROR <> 0
  \exit 8
\endif

SELECT "Account No", "Cost Centre", "Diff Amt"
FROM   ${GL_DB}.GL_RECON_DIFF
WHERE  RUN_DT = CURRENT_DATE
AND    ABS("Diff Amt") > TOLERANCE_AMT
ORDER BY ABS("Diff Amt") DESC;

INSERT INTO ${GL_DB}.GL_RECON_LOG (RUN_DT, STEP_NM, NOTE_TX)
VALUES (CURRENT_DATE, 'END', 'it''s done; see GL_RECON_DIFF');
EOF
rsqlexitcode=$?
exit $rsqlexitcode
