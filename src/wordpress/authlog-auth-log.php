<?php
/**
 * Plugin Name: authlog auth log
 * Description: Writes one line per WordPress authentication failure to the PHP error log (wp-content/debug.log with WP_DEBUG_LOG), so authlog can prove why a request got 401 or 403.
 * Version: 1.0.0
 * License: MIT
 *
 * A must-use plugin: copy this file to wp-content/mu-plugins/ (authlog wordpress install does).
 * WordPress core logs nothing about authentication failures; it fires hooks. This file listens
 * to them and writes, through error_log(), one line each:
 *
 *   [27-Nov-2026 10:00:01 UTC] authlog: {"hook":"wp_login_failed","code":"incorrect_password","user":"admin","ip":"203.0.113.5","method":"POST","uri":"/wp-json/wp/v2/posts"}
 *
 * Behind a reverse proxy, name the header that carries the client address, and only then:
 *   define( 'AUTHLOG_CLIENT_IP_HEADER', 'HTTP_X_FORWARDED_FOR' );   // in wp-config.php
 */

if ( ! defined( 'ABSPATH' ) ) {
	return;
}

/** The client address: REMOTE_ADDR, or the first address of the trusted proxy header the site names. */
function authlog_client_ip() {
	$ip = isset( $_SERVER['REMOTE_ADDR'] ) ? (string) $_SERVER['REMOTE_ADDR'] : '';
	if ( defined( 'AUTHLOG_CLIENT_IP_HEADER' ) && ! empty( $_SERVER[ AUTHLOG_CLIENT_IP_HEADER ] ) ) {
		$parts = explode( ',', (string) $_SERVER[ AUTHLOG_CLIENT_IP_HEADER ] );
		$ip    = trim( $parts[0] );
	}
	return $ip;
}

function authlog_current_login() {
	if ( ! function_exists( 'wp_get_current_user' ) ) {
		return '';
	}
	$user = wp_get_current_user();
	return ( $user && isset( $user->user_login ) ) ? (string) $user->user_login : '';
}

/**
 * One JSON object per line: json_encode escapes quotes, newlines and control characters.
 * One line per failure and request: REST requests fire the cookie hooks twice.
 */
function authlog_write( $hook, $code, $user = '', $extra = array() ) {
	static $written = array();
	$record = array(
		'hook'   => $hook,
		'code'   => (string) $code,
		'user'   => (string) $user,
		'ip'     => authlog_client_ip(),
		'method' => isset( $_SERVER['REQUEST_METHOD'] ) ? (string) $_SERVER['REQUEST_METHOD'] : '',
		'uri'    => isset( $_SERVER['REQUEST_URI'] ) ? (string) $_SERVER['REQUEST_URI'] : '',
	) + $extra;
	$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE;
	$line  = json_encode( $record, $flags );
	if ( isset( $written[ $line ] ) ) {
		return;
	}
	$written[ $line ] = true;
	error_log( 'authlog: ' . $line );
}

function authlog_error_code( $error, $fallback ) {
	return ( is_object( $error ) && method_exists( $error, 'get_error_code' ) && $error->get_error_code() ) ? $error->get_error_code() : $fallback;
}

function authlog_cookie_user( $cookie_elements ) {
	return ( is_array( $cookie_elements ) && isset( $cookie_elements['username'] ) ) ? (string) $cookie_elements['username'] : '';
}

/** Password logins, XML-RPC and REST (WordPress 5.4+ passes the WP_Error). */
function authlog_on_login_failed( $username, $error = null ) {
	authlog_write( 'wp_login_failed', authlog_error_code( $error, 'login_failed' ), $username );
}

/** Application passwords (REST and XML-RPC with Basic auth). */
function authlog_on_application_password_failed( $error ) {
	$user = isset( $_SERVER['PHP_AUTH_USER'] ) ? (string) $_SERVER['PHP_AUTH_USER'] : '';
	authlog_write( 'application_password_failed_authentication', authlog_error_code( $error, 'application_password_failed' ), $user );
}

function authlog_on_verify_nonce_failed( $nonce, $action, $user = null, $token = '' ) {
	$login = ( is_object( $user ) && isset( $user->user_login ) ) ? (string) $user->user_login : '';
	authlog_write( 'wp_verify_nonce_failed', 'invalid_nonce', $login, array( 'action' => (string) $action ) );
}

function authlog_on_check_ajax_referer( $action, $result ) {
	if ( false === $result ) {
		authlog_write( 'check_ajax_referer', 'invalid_nonce', authlog_current_login(), array( 'action' => (string) $action ) );
	}
}

function authlog_on_check_admin_referer( $action, $result ) {
	if ( false === $result ) {
		authlog_write( 'check_admin_referer', 'invalid_nonce', authlog_current_login(), array( 'action' => (string) $action ) );
	}
}

function authlog_on_cookie_expired( $cookie_elements ) {
	authlog_write( 'auth_cookie_expired', 'auth_cookie_expired', authlog_cookie_user( $cookie_elements ) );
}

function authlog_on_cookie_bad_hash( $cookie_elements ) {
	authlog_write( 'auth_cookie_bad_hash', 'auth_cookie_bad_hash', authlog_cookie_user( $cookie_elements ) );
}

function authlog_on_cookie_bad_session_token( $cookie_elements ) {
	authlog_write( 'auth_cookie_bad_session_token', 'auth_cookie_bad_session_token', authlog_cookie_user( $cookie_elements ) );
}

function authlog_on_cookie_bad_username( $cookie_elements ) {
	authlog_write( 'auth_cookie_bad_username', 'auth_cookie_bad_username', authlog_cookie_user( $cookie_elements ) );
}

/**
 * The cookie WordPress reads for a scheme (wp_parse_auth_cookie): `auth` is wordpress_HASH,
 * `secure_auth` wordpress_sec_HASH, `logged_in` wordpress_logged_in_HASH; no scheme means
 * secure_auth over https, else auth.
 */
function authlog_scheme_cookie_present( $scheme ) {
	if ( '' === (string) $scheme ) {
		$scheme = ( function_exists( 'is_ssl' ) && is_ssl() ) ? 'secure_auth' : 'auth';
	}
	$constants = array( 'auth' => 'AUTH_COOKIE', 'secure_auth' => 'SECURE_AUTH_COOKIE', 'logged_in' => 'LOGGED_IN_COOKIE' );
	if ( isset( $constants[ $scheme ] ) && defined( $constants[ $scheme ] ) ) {
		$name = constant( $constants[ $scheme ] );
		return isset( $_COOKIE[ $name ] ) && '' !== (string) $_COOKIE[ $name ];
	}
	// Without WordPress's constants (COOKIEHASH unknown): the scheme's cookie by its prefix.
	foreach ( $_COOKIE as $name => $value ) {
		$name = (string) $name;
		if ( '' === (string) $value ) {
			continue;
		}
		$logged_in = 0 === strpos( $name, 'wordpress_logged_in_' );
		$secure    = 0 === strpos( $name, 'wordpress_sec_' );
		$auth      = 0 === strpos( $name, 'wordpress_' ) && ! $logged_in && ! $secure && 0 !== strpos( $name, 'wordpress_test_cookie' );
		if ( ( 'logged_in' === $scheme && $logged_in ) || ( 'secure_auth' === $scheme && $secure ) || ( 'auth' === $scheme && $auth ) ) {
			return true;
		}
	}
	return false;
}

/**
 * Fired for every request without the checked cookie too: WordPress checks the `auth`
 * cookie (sent only to /wp-admin/) on front-end, login and REST requests of logged-in
 * browsers, finds none and calls it malformed. Only a cookie of the checked scheme that is
 * present and broken counts (seen in the lab: the false lines won over the true
 * auth_cookie_expired line of the same request).
 */
function authlog_on_cookie_malformed( $cookie, $scheme = '' ) {
	if ( '' !== (string) $cookie || authlog_scheme_cookie_present( $scheme ) ) {
		authlog_write( 'auth_cookie_malformed', 'auth_cookie_malformed', '', array( 'scheme' => (string) $scheme ) );
	}
}

add_action( 'wp_login_failed', 'authlog_on_login_failed', 10, 2 );
add_action( 'application_password_failed_authentication', 'authlog_on_application_password_failed', 10, 1 );
add_action( 'wp_verify_nonce_failed', 'authlog_on_verify_nonce_failed', 10, 4 );
add_action( 'check_ajax_referer', 'authlog_on_check_ajax_referer', 10, 2 );
add_action( 'check_admin_referer', 'authlog_on_check_admin_referer', 10, 2 );
add_action( 'auth_cookie_expired', 'authlog_on_cookie_expired', 10, 1 );
add_action( 'auth_cookie_bad_hash', 'authlog_on_cookie_bad_hash', 10, 1 );
add_action( 'auth_cookie_bad_session_token', 'authlog_on_cookie_bad_session_token', 10, 1 );
add_action( 'auth_cookie_bad_username', 'authlog_on_cookie_bad_username', 10, 1 );
add_action( 'auth_cookie_malformed', 'authlog_on_cookie_malformed', 10, 2 );
