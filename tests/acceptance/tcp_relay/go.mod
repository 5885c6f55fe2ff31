module example.com/tcprelay

go 1.22
