module codepref.dev/sandbox/supervisor

go 1.19
