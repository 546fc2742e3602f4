#include <cstdint>
#include <cstring>
#include <vector>

struct Header {
    uint16_t type;
    uint16_t length;
};

std::vector<uint8_t> payload(const uint8_t* data, size_t size) {
    Header header;
    std::memcpy(&header, data, sizeof header);
    std::vector<uint8_t> out(header.length);
    std::memcpy(out.data(), data + sizeof header, header.length);
    return out;
}
