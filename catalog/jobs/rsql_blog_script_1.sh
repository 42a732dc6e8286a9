#!/bin/bash
# rsql_blog_script_1.sh: create the schema the blog workflow loads into.
# Part of blog_test_workflow (catalog/workflows/blog_test_workflow.yaml).
# The framework runs it as: sh rsql_blog_script_1.sh <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
\echo 'rsql_blog_script_1.sh started at' `date`
SET query_group TO 'rsql_blog_querygroup';
CREATE SCHEMA IF NOT EXISTS rsql_blog;
\if :ERROR <> 0
  \echo 'Error Code -'
  \echo :ERRORCODE
  \remark :LAST_ERROR_MESSAGE
  \exit 21
\endif
\echo 'schema rsql_blog is ready'
\exit 0
EOF
rsqlexitcode=$?
echo "rsql_blog_script_1.sh ended at $(date +"%T.%N") with exit code $rsqlexitcode"
exit $rsqlexitcode
