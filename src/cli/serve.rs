//! `fengong serve`: the local review page (see [`fengong::serve`]).

use anyhow::{Result, bail};
use fengong::batch::Status;
use std::net::IpAddr;

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Address to listen on. Anything but loopback lets other machines
    /// read the notices uploaded here (a warning is printed).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the page in the default browser once the server listens.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub parse: super::ParseOptions,
}

/// Run the server until the process is stopped.
pub fn run(args: Args) -> Result<Status> {
    let options = args.parse.options()?;
    if !fengong::serve::is_loopback(args.bind) {
        eprintln!(
            "fengong serve: warning: listening on {}, not loopback: other machines can reach the page and read the notices uploaded to it",
            args.bind
        );
    }
    let config = fengong::serve::Config {
        bind: args.bind,
        port: args.port,
        options,
    };
    let open = args.open;
    if let Err(e) = fengong::serve::run(config, move |url| {
        if open {
            open_browser(url);
        }
    }) {
        bail!("{e}");
    }
    Ok(Status::Ok)
}

/// Ask the desktop to open `url`; failing is only a note.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    match std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => {}
        Err(e) => eprintln!(
            "fengong serve: note: could not open a browser ({program}: {e}); open {url} yourself"
        ),
    }
}
