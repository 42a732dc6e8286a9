#!/bin/bash
# rsql_blog_script_3.sh: insert row 1 into rsql_blog.blog_table.
# Part of blog_test_workflow (catalog/workflows/blog_test_workflow.yaml).
# The framework runs it as: sh rsql_blog_script_3.sh <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
\echo 'rsql_blog_script_3.sh started at' `date`
SET query_group TO 'rsql_blog_querygroup';
BEGIN;
INSERT INTO "rsql_blog"."blog_table" VALUES (1, 'rsql_blog_script_3.sh', GETDATE());
\if :ERROR <> 0
  \echo 'Error Code -'
  \echo :ERRORCODE
  \remark :LAST_ERROR_MESSAGE
  ROLLBACK;
  \exit 21
\endif
COMMIT;
\echo :ACTIVITYCOUNT row inserted
\exit 0
EOF
rsqlexitcode=$?
echo "rsql_blog_script_3.sh ended at $(date +"%T.%N") with exit code $rsqlexitcode"
exit $rsqlexitcode
