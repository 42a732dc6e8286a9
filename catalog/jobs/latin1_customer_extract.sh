#!/bin/bash
# Converted from latin1_customer_extract.btq by rsqlmig 0.1.0.
# The framework runs it as: sh <script> <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
/* =====================================================================
   KUNDEN_EXTRAKT  -  Kundenstammdaten für Österreich und die Schweiz
   Zielsystem : Marketing-Plattform (Datei wird als ISO-8859-1 erwartet!)
   Verantwortlich : Jürgen Weiß, DWH Betrieb
   Änderungen :
     2013-05-02  JW   Erstversion
     2016-11-21  FL   Anrede 'Société' für FR-CH Kunden ergänzt
   ===================================================================== */
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)
-- .LOGON dwhprod/kd_extrakt,********;
\rset width 500
\rset titledashes off
-- rsqlmig: BQ043 .SET SEPARATOR ';' has no RSQL counterpart: use \pset fieldsep with \pset format unaligned, or UNLOAD ... DELIMITER
-- .SET SEPARATOR ';'

\export report file=/data/out/kunden_at_ch.txt

SELECT  k.KUNDEN_NR
      , CASE WHEN k.LAND_CD = 'CH' AND k.SPRACH_CD = 'FR' THEN 'Société'
             WHEN k.GESCHLECHT_CD = 'W' THEN 'Frau'
             ELSE 'Herr' END                    AS ANREDE
      , k.NACHNAME
      , k.VORNAME
      , k.STRASSE
      , k.PLZ
      , k.ORT
      , CASE k.LAND_CD WHEN 'AT' THEN 'Österreich'
                       WHEN 'CH' THEN 'Schweiz'
                       ELSE k.LAND_CD END        AS LAND
FROM    ${KD_DB}.KUNDE k
WHERE   k.LAND_CD IN ('AT', 'CH')
AND     k.STATUS_CD <> 'GELÖSCHT'   -- gelöschte Kunden nicht exportieren
AND     k.NACHNAME NOT LIKE 'Müller-Test%';
\if :ERROR <> 0
  \goto FEHLER
\endif

\export reset

INSERT INTO ${KD_DB}.EXTRAKT_PROTOKOLL (EXTRAKT_NM, LAUF_TS, BEMERKUNG)
VALUES ('KUNDEN_AT_CH', GETDATE(), 'Export erfolgreich - Zeichensatz ISO-8859-1 (é, ü, ß)');

-- rsqlmig: BQ003 .LOGOFF dropped: RSQL closes the session when the script ends
-- .LOGOFF
\exit 0

\label FEHLER
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
