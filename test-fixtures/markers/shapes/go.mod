module example.com/markers/shapes

go 1.22
