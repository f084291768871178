//! Non-pickle formats: NumPy, safetensors, GGUF, Keras.

pub(crate) mod gguf;
pub(crate) mod keras;
pub(crate) mod npy;
mod pylit;
pub(crate) mod safetensors;
pub(crate) mod template;
