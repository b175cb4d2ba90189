//! A Redis server of a test's own, so stopping, freezing or restarting it disturbs no
//! other test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateRedis {
    child: Child,
    port: u16,
    pub url: String,
}

impl PrivateRedis {
    /// Starts `redis-server` on a free loopback port. Tests that use one are ignored
    /// unless the program was on PATH when they were built.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let child = spawn(port).expect("redis-server was on PATH when these tests were built");
        Self {
            child,
            port,
            url: format!("redis://127.0.0.1:{port}"),
        }
    }

    /// Sends `signal` (`-STOP`, `-CONT`, …) to the server.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Kills the server: what it held is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts an empty server again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(self.port).expect("redis-server starts again");
    }
}

fn spawn(port: u16) -> Option<Child> {
    let mut child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("redis-server did not start on port {port}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(child)
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}
