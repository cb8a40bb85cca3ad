<?php
/*
 * The CPANEL class for uapid: the public interface of cPanel's LiveAPI PHP
 * class, written for uapid from the protocol its LiveAPI socket speaks
 * (docs/plugins.md).
 *
 *   include("/usr/local/cpanel/php/cpanel.php");   // optional under uapid
 *   $cpanel = new CPANEL();
 *   $r = $cpanel->uapi('Ftp', 'list_ftp', array('include_acct_types' => 'sub'));
 *   echo $r['cpanelresult']['result']['data'][0]['user'];
 *   $cpanel->end();
 *
 * uapid loads this file before every PHP page, so a page that never
 * includes it works too; including it again does nothing. uapid runs UAPI
 * calls only: api1(), api2(), cpanelif(), cpanelfeature(), cpanelprint()
 * and fetch() return uapid's error in the shape cPanel's methods return.
 */

if (!class_exists('CPANEL', false)) {

class CPANEL
{
    /* The most a single answer may hold before the connection is given up. */
    const MAX_ANSWER = 67108864;

    private $sock = null;
    private $debug = false;

    public function __construct($socket = null)
    {
        if ($socket === null) {
            $socket = getenv('CPANEL_PHPCONNECT_SOCKET');
            if ($socket === false || $socket === '') {
                $socket = getenv('CPANEL_CONNECT_SOCKET');
            }
        }
        if ($socket === false || $socket === '' || $socket === null) {
            throw new RuntimeException('CPANEL: CPANEL_PHPCONNECT_SOCKET is not set: this page must run as a uapid plugin page');
        }
        $errno = 0;
        $errstr = '';
        $this->sock = @stream_socket_client('unix://' . $socket, $errno, $errstr, 30);
        if ($this->sock === false) {
            $this->sock = null;
            throw new RuntimeException("CPANEL: cannot connect to $socket: $errstr");
        }
        $this->exec('<cpaneljson enable="1">');
    }

    public function __destruct()
    {
        $this->end();
    }

    /* exec sends one request ("LENGTH\nREQUEST") and returns the decoded
     * answer under 'cpanelresult', unless the answer already starts with it. */
    public function exec($code, $skip_return = false)
    {
        if ($this->sock === null) {
            throw new RuntimeException('CPANEL: the connection is closed (end() was called)');
        }
        $this->write(strlen($code) . "\n" . $code);
        $buf = $this->read_answer($skip_return);
        if ($skip_return) {
            return null;
        }
        $start = strpos($buf, '<cpanelresult>');
        $end = strpos($buf, '</cpanelresult>');
        if ($start === false || $end === false || $end < $start) {
            throw new RuntimeException('CPANEL: no answer to ' . $code);
        }
        $start += strlen('<cpanelresult>');
        $json = substr($buf, $start, $end - $start);
        $parsed = json_decode($json, true);
        if ($this->debug) {
            $this->debug_log(1, 'LiveAPI answer: ' . $json);
        }
        if (is_array($parsed) && array_key_exists('cpanelresult', $parsed)) {
            return $parsed;
        }
        return array('cpanelresult' => $parsed);
    }

    private function write($data)
    {
        while (strlen($data) > 0) {
            $n = fwrite($this->sock, $data);
            if ($n === false || $n === 0) {
                throw new RuntimeException('CPANEL: write to the LiveAPI socket failed');
            }
            $data = substr($data, $n);
        }
    }

    private function read_answer($until_eof)
    {
        $buf = '';
        while (!feof($this->sock)) {
            $chunk = fread($this->sock, 65536);
            if ($chunk === false || $chunk === '') {
                if (feof($this->sock)) {
                    break;
                }
                continue;
            }
            $buf .= $chunk;
            if (!$until_eof && strpos($buf, '</cpanelresult>') !== false) {
                break;
            }
            if (strlen($buf) > self::MAX_ANSWER) {
                throw new RuntimeException('CPANEL: answer larger than ' . self::MAX_ANSWER . ' bytes');
            }
        }
        return $buf;
    }

    /* api runs a call of any API version: 'uapi' or 3 for UAPI; uapid
     * answers 1 and 2 with its "UAPI calls only" error. */
    public function api($reqtype, $version, $module, $func, $args = array())
    {
        $req = array(
            'module' => $module,
            'func' => $func,
            'reqtype' => $reqtype,
            'apiversion' => (string) $version,
            'args' => $args,
        );
        $json = json_encode($req);
        if ($json === false) {
            throw new RuntimeException('CPANEL: the arguments cannot be sent as JSON: ' . json_last_error_msg());
        }
        return $this->exec("<cpanelaction>\n" . $json . "\n</cpanelaction>");
    }

    /* uapi runs Module::function; the result is $r['cpanelresult']['result']
     * (status, data, errors, messages, warnings, metadata). */
    public function uapi($module, $func, $args = array())
    {
        return $this->api('exec', 'uapi', $module, $func, $args);
    }

    public function api3($module, $func, $args = array())
    {
        return $this->api('exec', '3', $module, $func, $args);
    }

    public function api2($module, $func, $args = array())
    {
        return $this->api('exec', '2', $module, $func, $args);
    }

    public function api1($module, $func, $args = array())
    {
        return $this->api('exec', '1', $module, $func, $args);
    }

    /* The cPanel tags and variables: uapid answers each with its error. */
    public function fetch($var)
    {
        return $this->api('exec', '1', 'print', '', array($var));
    }

    public function cpanelprint($var)
    {
        return $this->event_data($this->fetch($var));
    }

    public function cpanelif($code)
    {
        return $this->event_data($this->api('if', '1', 'if', 'if', array($code)));
    }

    public function cpanelfeature($feature)
    {
        return $this->event_data($this->api('feature', '1', 'feature', 'feature', array($feature)));
    }

    private function event_data($r)
    {
        if (isset($r['cpanelresult']['data']['result'])) {
            return $r['cpanelresult']['data']['result'];
        }
        return null;
    }

    /* header and footer print uapid's page chrome around the page's HTML. */
    public function header($title = '', $app_key = '')
    {
        list($head, $foot) = $this->chrome();
        echo str_replace('@@UAPID_PAGE_TITLE@@', htmlspecialchars((string) $title, ENT_QUOTES, 'UTF-8'), $head);
    }

    public function footer()
    {
        list($head, $foot) = $this->chrome();
        echo $foot;
    }

    /* chrome reads the header and footer uapid left beside the socket. */
    private function chrome()
    {
        $sock = getenv('CPANEL_PHPCONNECT_SOCKET');
        $dir = dirname($sock === false ? '' : $sock);
        $parts = array();
        foreach (array('header.html', 'footer.html') as $name) {
            $text = @file_get_contents($dir . '/' . $name);
            $parts[] = $text === false ? '' : $text;
        }
        return $parts;
    }

    /* debug_log writes to standard error, which uapid records in its log. */
    public function debug_log($level, $msg = null)
    {
        if ($msg === null) {
            $msg = $level;
        }
        if (!is_string($msg)) {
            $msg = print_r($msg, true);
        }
        file_put_contents('php://stderr', "CPANEL: $msg\n");
        return true;
    }

    public function set_debug($on)
    {
        $this->debug = (bool) $on;
        return true;
    }

    public function get_debug_level()
    {
        return $this->debug ? 1 : 0;
    }

    /* end closes the session: the server hangs up after the shutdown request. */
    public function end()
    {
        if ($this->sock === null) {
            return;
        }
        try {
            $this->exec('<cpanelxml shutdown="1" />', true);
        } catch (Exception $e) {
            // The server is gone already: nothing left to close but the stream.
        }
        fclose($this->sock);
        $this->sock = null;
    }
}

}
