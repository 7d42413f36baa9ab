module example.com/syntaxmapping

go 1.26
