module example.com/heapdemo

go 1.21
