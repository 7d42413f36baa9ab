module example.com/markers/loopvar

go 1.21
