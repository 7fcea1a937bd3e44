//! Which device runs the model: `auto`, `cpu`, `cuda[:N]` or `metal`.
//! GPUs need the `cuda` or `metal` Cargo feature; `auto` takes a GPU when
//! the build has one and one is present, and says which it took.

use crate::config::DeviceChoice;
use candle_core::Device;

/// The device the settings (or `--device`, which wins) name: the one place
/// the CLI and the app resolve it. A name that is not a device is an
/// error that says which names are.
pub fn configured(
    flag: Option<&str>,
    settings: &crate::config::EmbedSettings,
) -> Result<Device, DeviceError> {
    let text = flag.unwrap_or(&settings.device);
    let choice: DeviceChoice = text.parse().map_err(DeviceError::Unknown)?;
    open(choice)
}

/// Why no device could be had.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// Not a device name.
    #[error("{0}")]
    Unknown(String),
    /// A device this build or machine does not have.
    #[error("{0}")]
    Unavailable(String),
}

/// Opens the device; `Err` says why a requested GPU is not usable.
pub fn open(choice: DeviceChoice) -> Result<Device, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda(n) => cuda(n),
        DeviceChoice::Metal => metal(),
        DeviceChoice::Auto => Ok(cuda(0).or_else(|_| metal()).unwrap_or(Device::Cpu)),
    }
}

/// "cpu", "cuda:0", "metal".
pub fn describe(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".into(),
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

#[cfg(feature = "cuda")]
fn cuda(n: usize) -> Result<Device, DeviceError> {
    Device::new_cuda(n)
        .map_err(|e| DeviceError::Unavailable(format!("CUDA device {n} is not usable: {e}")))
}

#[cfg(not(feature = "cuda"))]
fn cuda(_: usize) -> Result<Device, DeviceError> {
    Err(DeviceError::Unavailable(
        "this litradar was built without GPU support; rebuild with `--features cuda`".into(),
    ))
}

#[cfg(feature = "metal")]
fn metal() -> Result<Device, DeviceError> {
    Device::new_metal(0)
        .map_err(|e| DeviceError::Unavailable(format!("the Metal device is not usable: {e}")))
}

#[cfg(not(feature = "metal"))]
fn metal() -> Result<Device, DeviceError> {
    Err(DeviceError::Unavailable(
        "this litradar was built without Metal support; rebuild with `--features metal`".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for (text, want) in [
            ("auto", DeviceChoice::Auto),
            ("CPU", DeviceChoice::Cpu),
            ("cuda", DeviceChoice::Cuda(0)),
            ("cuda:1", DeviceChoice::Cuda(1)),
            ("metal", DeviceChoice::Metal),
        ] {
            assert_eq!(text.parse::<DeviceChoice>(), Ok(want));
        }
        assert!("tpu".parse::<DeviceChoice>().is_err());
        assert!("cuda:x".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn auto_falls_back_to_the_cpu_and_says_so() {
        let device = open(DeviceChoice::Auto).expect("some device");
        if !cfg!(any(feature = "cuda", feature = "metal")) {
            assert_eq!(describe(&device), "cpu");
            let err = open(DeviceChoice::Cuda(0)).expect_err("no GPU in this build");
            assert!(
                matches!(&err, DeviceError::Unavailable(why) if why.contains("--features cuda")),
                "{err}"
            );
        }
    }
}
