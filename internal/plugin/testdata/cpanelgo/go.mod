module uapid.test/cpanelgoprobe

go 1.22

require github.com/letsencrypt-cpanel/cpanelgo v1.2.1
