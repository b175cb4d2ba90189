//! `softly healthcheck`: asks this container's own server for `GET /up` and exits 0 on a
//! 200, 1 otherwise. It is what the image's HEALTHCHECK and the ECS container health
//! check run, so the runtime image needs no curl. Reads only `PORT`; no configuration.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(3);

pub fn run() -> ExitCode {
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok())
        .unwrap_or(3000);
    match check(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("unhealthy: {reason}");
            ExitCode::FAILURE
        }
    }
}

fn check(address: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT).map_err(|e| format!("{address}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /up HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).map_err(|e| e.to_string())?;
    match &head {
        b"HTTP/1.1 200" => Ok(()),
        other => Err(format!("/up answered {:?}", String::from_utf8_lossy(other))),
    }
}
