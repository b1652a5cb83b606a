<?php
/**
 * Calls the mu-plugin's hook handlers with stand-in WordPress functions and checks the exact
 * lines it writes through error_log(). Usage: php plugin_test.php OUTPUT_LOG
 * The TypeScript test then reads OUTPUT_LOG with authlog's debug.log parser.
 */
$out = $argv[1];
@unlink( $out );
ini_set( 'log_errors', '1' );
ini_set( 'error_log', $out );
date_default_timezone_set( 'UTC' );
define( 'ABSPATH', __DIR__ . '/' );

$actions = array();
function add_action( $hook, $callback, $priority = 10, $args = 1 ) {
	$GLOBALS['actions'][ $hook ] = $callback;
}
class WP_Error {
	private $code;
	public function __construct( $code ) { $this->code = $code; }
	public function get_error_code() { return $this->code; }
}
class WP_User {
	public $user_login;
	public function __construct( $login ) { $this->user_login = $login; }
}
function wp_get_current_user() {
	return new WP_User( 'editor' );
}
function fire( $hook, ...$args ) {
	call_user_func_array( $GLOBALS['actions'][ $hook ], $args );
}

require __DIR__ . '/../../src/wordpress/authlog-auth-log.php';

$_SERVER['REMOTE_ADDR']    = '203.0.113.5';
$_SERVER['REQUEST_METHOD'] = 'POST';
$_SERVER['REQUEST_URI']    = '/wp-json/wp/v2/posts?x=1';
$_SERVER['PHP_AUTH_USER']  = 'deploybot';

fire( 'wp_login_failed', 'admin', new WP_Error( 'incorrect_password' ) );
fire( 'wp_login_failed', 'ghost', new WP_Error( 'invalid_username' ) );
fire( 'wp_login_failed', 'old-wordpress' );
fire( 'application_password_failed_authentication', new WP_Error( 'incorrect_password' ) );
fire( 'application_password_failed_authentication', new WP_Error( 'application_passwords_disabled_for_user' ) );
fire( 'wp_verify_nonce_failed', 'abc123', 'wp_rest', new WP_User( 'editor' ), 'tok' );
fire( 'check_ajax_referer', 'heartbeat-nonce', false );
fire( 'check_ajax_referer', 'heartbeat-nonce', 1 );
fire( 'check_admin_referer', 'update-post_42', false );
fire( 'auth_cookie_expired', array( 'username' => 'editor' ) );
fire( 'auth_cookie_bad_hash', array( 'username' => 'editor' ) );
fire( 'auth_cookie_bad_session_token', array( 'username' => 'editor' ) );
fire( 'auth_cookie_bad_username', array( 'username' => 'nobody' ) );
fire( 'auth_cookie_malformed', '', 'logged_in' );
// A logged-in browser on the front end: WordPress checks the auth cookie, which it does not
// send outside /wp-admin/; its logged_in cookie is no broken auth cookie (no line).
$_COOKIE['wordpress_logged_in_abc'] = 'editor|1767225600|tok|hash';
fire( 'auth_cookie_malformed', '', 'auth' );
fire( 'auth_cookie_malformed', '', '' );
$_COOKIE['wordpress_logged_in_abc'] = 'garbage';
fire( 'auth_cookie_malformed', '', 'logged_in' );
// REST fires the cookie hooks twice: one line.
fire( 'auth_cookie_malformed', '', 'logged_in' );
fire( 'auth_cookie_expired', array( 'username' => 'editor' ) );
// hostile values stay on one line
$_SERVER['REQUEST_URI'] = "/wp-login.php?x=\"\n\x1b[2J";
fire( 'wp_login_failed', "evil\"\nname", new WP_Error( 'invalid_username' ) );
define( 'AUTHLOG_CLIENT_IP_HEADER', 'HTTP_X_FORWARDED_FOR' );
$_SERVER['HTTP_X_FORWARDED_FOR'] = '198.51.100.7, 10.0.0.2';
$_SERVER['REQUEST_URI'] = '/xmlrpc.php';
fire( 'wp_login_failed', 'admin', new WP_Error( 'incorrect_password' ) );

$base = '"ip":"203.0.113.5","method":"POST","uri":"/wp-json/wp/v2/posts?x=1"';
$expected = array(
	'authlog: {"hook":"wp_login_failed","code":"incorrect_password","user":"admin",' . $base . '}',
	'authlog: {"hook":"wp_login_failed","code":"invalid_username","user":"ghost",' . $base . '}',
	'authlog: {"hook":"wp_login_failed","code":"login_failed","user":"old-wordpress",' . $base . '}',
	'authlog: {"hook":"application_password_failed_authentication","code":"incorrect_password","user":"deploybot",' . $base . '}',
	'authlog: {"hook":"application_password_failed_authentication","code":"application_passwords_disabled_for_user","user":"deploybot",' . $base . '}',
	'authlog: {"hook":"wp_verify_nonce_failed","code":"invalid_nonce","user":"editor",' . $base . ',"action":"wp_rest"}',
	'authlog: {"hook":"check_ajax_referer","code":"invalid_nonce","user":"editor",' . $base . ',"action":"heartbeat-nonce"}',
	'authlog: {"hook":"check_admin_referer","code":"invalid_nonce","user":"editor",' . $base . ',"action":"update-post_42"}',
	'authlog: {"hook":"auth_cookie_expired","code":"auth_cookie_expired","user":"editor",' . $base . '}',
	'authlog: {"hook":"auth_cookie_bad_hash","code":"auth_cookie_bad_hash","user":"editor",' . $base . '}',
	'authlog: {"hook":"auth_cookie_bad_session_token","code":"auth_cookie_bad_session_token","user":"editor",' . $base . '}',
	'authlog: {"hook":"auth_cookie_bad_username","code":"auth_cookie_bad_username","user":"nobody",' . $base . '}',
	'authlog: {"hook":"auth_cookie_malformed","code":"auth_cookie_malformed","user":"",' . $base . ',"scheme":"logged_in"}',
	'authlog: {"hook":"wp_login_failed","code":"invalid_username","user":"evil\"\nname","ip":"203.0.113.5","method":"POST","uri":"/wp-login.php?x=\"\n\u001b[2J"}',
	'authlog: {"hook":"wp_login_failed","code":"incorrect_password","user":"admin","ip":"198.51.100.7","method":"POST","uri":"/xmlrpc.php"}',
);
$expected[13] = str_replace( "\n", '\n', $expected[13] );

$lines  = file( $out, FILE_IGNORE_NEW_LINES );
$passed = 0;
$failed = 0;
foreach ( $expected as $i => $want ) {
	$line = isset( $lines[ $i ] ) ? $lines[ $i ] : '';
	$ok   = 1 === preg_match( '/^\[\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} UTC\] (.*)$/', $line, $m ) && $m[1] === $want;
	if ( $ok ) {
		$passed++;
	} else {
		$failed++;
		fwrite( STDERR, "line $i:\n  want: $want\n  got:  $line\n" );
	}
}
if ( count( $lines ) !== count( $expected ) ) {
	$failed++;
	fwrite( STDERR, 'lines written: ' . count( $lines ) . ', expected ' . count( $expected ) . "\n" );
}
echo "$passed passed, $failed failed\n";
exit( $failed > 0 ? 1 : 0 );
