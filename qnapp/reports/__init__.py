"""Official reports (NĐ 30/2020 layout): content model, builder, xlsx writer, renderers."""
