//! The panel's name on its calls, so that `CloudTrail` shows which calls came from it: the SDK
//! puts the app name (`app/baseline-panel`) in `x-amz-user-agent` only, and `CloudTrail`
//! records the `User-Agent` header, so the writes' clients add it there too.

use aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::BoxError;

use crate::activity::APP_NAME;

/// Appends `app/baseline-panel` to a request's `User-Agent` header (once).
#[derive(Debug, Clone, Copy, Default)]
pub struct PanelAgent;

impl Intercept for PanelAgent {
    fn name(&self) -> &'static str {
        "PanelAgent"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mark = format!("app/{APP_NAME}");
        let headers = ctx.request_mut().headers_mut();
        let ua = headers.get("user-agent").unwrap_or_default().to_owned();
        if !ua.contains(&mark) {
            let value = if ua.is_empty() { mark } else { format!("{ua} {mark}") };
            headers.insert("user-agent", value);
        }
        Ok(())
    }
}
